#include "budget/budget_config.h"

#include <gtest/gtest.h>

namespace cc {
namespace {

// The error ParseBudgetConfig gives for `budgets` (and `alerts`).
std::string ErrorOf(const std::string& budgets, const std::string& alerts = "") {
  Result<BudgetConfig> r = ParseBudgetConfig("/c/config.json", budgets, alerts);
  EXPECT_FALSE(r.ok()) << budgets << alerts;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  return r.status().message();
}

TEST(BudgetConfig, ReadsTheIssuesExample) {
  Result<BudgetConfig> r = ParseBudgetConfig(
      "/c/config.json",
      R"([{"name": "daily", "period": "day", "usd": 20, "thresholds": [100, 50, 80]},
          {"period": "month", "usd": 400}, {"period": "block", "tokens": 5000000},
          {"period": "week", "usd": 60, "project": "~/work/billing"},
          {"period": "day", "usd": 5.5, "source": "laptop"}])",
      "");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<Budget>& b = r->budgets;
  ASSERT_EQ(b.size(), 5u);
  EXPECT_EQ(b[0].name, "daily");
  EXPECT_EQ(b[0].period, BudgetPeriod::kDay);
  EXPECT_EQ(*b[0].usd, 20);
  EXPECT_EQ(b[0].thresholds, (std::vector<int>{50, 80, 100}));  // Sorted.
  EXPECT_EQ(b[1].name, "month");
  EXPECT_EQ(b[1].thresholds, (std::vector<int>{50, 80, 100}));  // Default.
  EXPECT_STREQ(b[1].unit(), "usd");
  EXPECT_EQ(b[2].name, "block");
  EXPECT_EQ(*b[2].tokens, 5000000);
  EXPECT_STREQ(b[2].unit(), "tokens");
  EXPECT_EQ(b[2].limit(), 5e6);
  EXPECT_EQ(b[3].name, "week ~/work/billing");
  EXPECT_EQ(b[3].project, "~/work/billing");
  EXPECT_EQ(b[4].name, "day @laptop");
  EXPECT_EQ(b[4].source, "laptop");
  // No "alerts": the defaults.
  EXPECT_TRUE(r->alerts.projection);
  EXPECT_TRUE(r->alerts.anomaly.enabled);
  EXPECT_EQ(r->alerts.anomaly.k, 5);
  EXPECT_EQ(r->alerts.anomaly.min_usd, 1);
  EXPECT_TRUE(r->alerts.channels.webhook_url.empty());
}

TEST(BudgetConfig, NothingConfiguredIsNoBudgets) {
  Result<BudgetConfig> r = ParseBudgetConfig("/c/config.json", "", "");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->budgets.empty());
}

TEST(BudgetConfig, ReadsAlerts) {
  Result<BudgetConfig> r = ParseBudgetConfig(
      "/c/config.json", "",
      R"({"webhook": "https://hooks.example/T0/secret", "command": "cat > /tmp/a",
          "desktop": false, "projection": false,
          "anomaly": {"enabled": false, "k": 3.5, "minUsd": 2}})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->alerts.channels.webhook_url, "https://hooks.example/T0/secret");
  EXPECT_EQ(r->alerts.channels.command, "cat > /tmp/a");
  EXPECT_FALSE(r->alerts.channels.desktop);
  EXPECT_FALSE(r->alerts.projection);
  EXPECT_FALSE(r->alerts.anomaly.enabled);
  EXPECT_EQ(r->alerts.anomaly.k, 3.5);
  EXPECT_EQ(r->alerts.anomaly.min_usd, 2);
}

TEST(BudgetConfig, ErrorsNameTheFileThePathAndWhy) {
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 20}, {"period": "week", "usd": 1},
                        {"period": "day", "usd": 5}])"),
            "/c/config.json: budgets[2]: the name \"day\" is taken by "
            "budgets[0]; give one of them a \"name\"");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 20}, {"period": "week", "usd": 1},
                        {"period": "month", "usd": -5}])"),
            "/c/config.json: budgets[2].usd: negative (-5); a limit is more than 0");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 0}])"),
            "/c/config.json: budgets[0].usd: 0; a limit is more than 0");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "tokens": -1}])"),
            "/c/config.json: budgets[0].tokens: negative (-1); a limit is more than 0");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 20, "tokens": 100}])"),
            "/c/config.json: budgets[0]: both \"usd\" and \"tokens\"; a budget "
            "counts one of them (make two budgets)");
  EXPECT_EQ(ErrorOf(R"([{"period": "day"}])"),
            "/c/config.json: budgets[0]: neither \"usd\" nor \"tokens\": say "
            "how much the budget allows");
  EXPECT_EQ(ErrorOf(R"([{"period": "fortnight", "usd": 1}])"),
            "/c/config.json: budgets[0].period: unknown period \"fortnight\" "
            "(day, week, month or block)");
  EXPECT_EQ(ErrorOf(R"([{"usd": 1}])"),
            "/c/config.json: budgets[0]: no \"period\" (day, week, month or block)");
  EXPECT_EQ(ErrorOf(R"([{"period": 3, "usd": 1}])"),
            "/c/config.json: budgets[0].period: expected a string (day, week, "
            "month or block)");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": "20"}])"),
            "/c/config.json: budgets[0].usd: expected a number (dollars)");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "tokens": 1.5}])"),
            "/c/config.json: budgets[0].tokens: expected a whole number of "
            "tokens (got 1.5)");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 1, "limit": 3}])"),
            "/c/config.json: budgets[0].limit: unknown key (known: name, "
            "period, usd, tokens, thresholds, project, source)");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 1, "name": ""}])"),
            "/c/config.json: budgets[0].name: empty");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 1, "project": 7}])"),
            "/c/config.json: budgets[0].project: expected a string");
  EXPECT_EQ(ErrorOf(R"({"period": "day"})"),
            "/c/config.json: budgets: expected an array such as [{\"period\": "
            "\"day\", \"usd\": 20}]");
  EXPECT_EQ(ErrorOf(R"([20])"),
            "/c/config.json: budgets[0]: expected an object such as "
            "{\"period\": \"day\", \"usd\": 20}");
}

TEST(BudgetConfig, ThresholdErrors) {
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 1, "thresholds": [50, 0]}])"),
            "/c/config.json: budgets[0].thresholds[1]: 0 is not a percentage "
            "in 1..1000");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 1, "thresholds": [1001]}])"),
            "/c/config.json: budgets[0].thresholds[0]: 1001 is not a "
            "percentage in 1..1000");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 1, "thresholds": [80, 80]}])"),
            "/c/config.json: budgets[0].thresholds[1]: 80 appears twice");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 1, "thresholds": []}])"),
            "/c/config.json: budgets[0].thresholds: empty; give at least one "
            "percentage (such as [100])");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 1, "thresholds": 80}])"),
            "/c/config.json: budgets[0].thresholds: expected an array of "
            "percentages such as [50, 80, 100]");
  EXPECT_EQ(ErrorOf(R"([{"period": "day", "usd": 1, "thresholds": [50.5]}])"),
            "/c/config.json: budgets[0].thresholds[0]: expected a whole number "
            "of percent (got 50.5)");
  // 1000 % is allowed (a warning far past the limit), as is 1.
  EXPECT_TRUE(ParseBudgetConfig(
                  "/c", R"([{"period": "day", "usd": 1, "thresholds": [1, 1000]}])", "")
                  .ok());
}

TEST(BudgetConfig, AlertErrorsNeverQuoteTheWebhook) {
  const std::string e = ErrorOf("", R"({"webhook": "ftp://user:secret@x/"})");
  EXPECT_EQ(e, "/c/config.json: alerts.webhook: expected an http:// or https:// URL");
  EXPECT_EQ(e.find("secret"), std::string::npos);
  EXPECT_EQ(ErrorOf("", R"({"webhook": 1})"),
            "/c/config.json: alerts.webhook: expected a string (an http:// or "
            "https:// URL)");
  EXPECT_EQ(ErrorOf("", R"({"sms": "x"})"),
            "/c/config.json: alerts.sms: unknown key (known: webhook, command, "
            "desktop, projection, anomaly)");
  EXPECT_EQ(ErrorOf("", R"({"desktop": "yes"})"),
            "/c/config.json: alerts.desktop: expected true or false");
  EXPECT_EQ(ErrorOf("", R"({"projection": 1})"),
            "/c/config.json: alerts.projection: expected true or false");
  EXPECT_EQ(ErrorOf("", R"({"command": false})"),
            "/c/config.json: alerts.command: expected a string");
  EXPECT_EQ(ErrorOf("", R"({"anomaly": {"k": 0}})"),
            "/c/config.json: alerts.anomaly.k: must be more than 0, got 0");
  EXPECT_EQ(ErrorOf("", R"({"anomaly": {"minUsd": -1}})"),
            "/c/config.json: alerts.anomaly.minUsd: negative (-1)");
  EXPECT_EQ(ErrorOf("", R"({"anomaly": {"enabled": 1}})"),
            "/c/config.json: alerts.anomaly.enabled: expected true or false");
  EXPECT_EQ(ErrorOf("", R"({"anomaly": {"window": 7}})"),
            "/c/config.json: alerts.anomaly.window: unknown key (known: "
            "enabled, k, minUsd)");
  EXPECT_EQ(ErrorOf("", R"({"anomaly": true})"),
            "/c/config.json: alerts.anomaly: expected an object such as "
            "{\"enabled\": true, \"k\": 5, \"minUsd\": 1}");
  EXPECT_EQ(ErrorOf("", R"([1])"),
            "/c/config.json: alerts: expected an object (keys: webhook, "
            "command, desktop, projection, anomaly)");
}

TEST(BudgetFlag, ReadsPeriodUnitAndOptions) {
  Result<Budget> day = ParseBudgetFlag("day:usd=20");
  ASSERT_TRUE(day.ok()) << day.status().message();
  EXPECT_EQ(day->period, BudgetPeriod::kDay);
  EXPECT_EQ(*day->usd, 20);
  EXPECT_FALSE(day->tokens);
  Result<Budget> month = ParseBudgetFlag("month:tokens=5000000");
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(*month->tokens, 5000000);
  Result<Budget> week = ParseBudgetFlag(
      "week:usd=60.5,project=~/work/billing,source=laptop,thresholds=100/80,"
      "name=billing");
  ASSERT_TRUE(week.ok()) << week.status().message();
  EXPECT_EQ(*week->usd, 60.5);
  EXPECT_EQ(week->project, "~/work/billing");
  EXPECT_EQ(week->source, "laptop");
  EXPECT_EQ(week->thresholds, (std::vector<int>{80, 100}));
  EXPECT_EQ(week->name, "billing");
}

TEST(BudgetFlag, ErrorsNameTheFlagAndThePart) {
  const std::string shape =
      " (expected PERIOD:usd=N or PERIOD:tokens=N, then ,name= ,project= "
      ",source= ,thresholds=50/80/100)";
  auto error = [](const char* text) {
    Result<Budget> r = ParseBudgetFlag(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_EQ(error("day"), "--budget 'day': no ':' after the period" + shape);
  EXPECT_EQ(error("daily:usd=2"),
            "--budget 'daily:usd=2': unknown period \"daily\" (day, week, month "
            "or block)" + shape);
  EXPECT_EQ(error("day:usd=-2"),
            "--budget 'day:usd=-2': usd: negative (-2); a limit is more than 0" +
                shape);
  EXPECT_EQ(error("day:usd=x"), "--budget 'day:usd=x': usd=x: not a number" + shape);
  EXPECT_EQ(error("day:tokens=1.5"),
            "--budget 'day:tokens=1.5': tokens=1.5: not a whole number of tokens" +
                shape);
  EXPECT_EQ(error("day:usd=1,tokens=2"),
            "--budget 'day:usd=1,tokens=2': both \"usd\" and \"tokens\"; a "
            "budget counts one of them (make two budgets)" + shape);
  EXPECT_EQ(error("day:project=x"),
            "--budget 'day:project=x': neither \"usd\" nor \"tokens\": say how "
            "much the budget allows" + shape);
  EXPECT_EQ(error("day:usd=1,thresholds=50/2000"),
            "--budget 'day:usd=1,thresholds=50/2000': thresholds: 2000 is not a "
            "percentage in 1..1000" + shape);
  EXPECT_EQ(error("day:usd=1,color=red"),
            "--budget 'day:usd=1,color=red': unknown key 'color' (known: usd, "
            "tokens, name, project, source, thresholds)" + shape);
  EXPECT_EQ(error("day:usd"), "--budget 'day:usd': 'usd' is not KEY=VALUE" + shape);
}

TEST(BudgetNames, DerivedNamesAndDuplicates) {
  std::vector<Budget> budgets(2);
  budgets[0].period = BudgetPeriod::kWeek;
  budgets[0].project = "~/work/billing";
  budgets[1].period = BudgetPeriod::kWeek;
  budgets[1].project = "~/work/billing";
  Status s = NameBudgets(&budgets, [](size_t i) { return std::string("#").append(std::to_string(i)); });
  EXPECT_EQ(s.message(),
            "#1: the name \"week ~/work/billing\" is taken by #0; give one of "
            "them a \"name\"");
  budgets[1].name = "billing again";
  budgets[0].name.clear();
  EXPECT_TRUE(NameBudgets(&budgets, [](size_t) { return ""; }).ok());
  EXPECT_EQ(budgets[0].name, "week ~/work/billing");
}

}  // namespace
}  // namespace cc
