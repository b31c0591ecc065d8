// /api/budgets and the budget gauges of /metrics, from BudgetStatus values
// built here (the reads are budget/'s; tests/e2e/budget_show_test.py runs
// them end to end). "Now" is Wednesday 2025-09-10 12:00 UTC.
//
//   daily   day    $20      $12.40 spent: 62 %; 12 of 24 hours gone, so
//                           $24.80 projected; its 50 % alert fired
//   billing week   $60      $75 spent: 125 %, over; a name with a quote,
//                           a backslash, a newline and a stray byte
//   block   block  5M tok   no active block
//   month   month  $400     its project is not in the ledger
#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/civil_time.h"
#include "dashboard/budget_json.h"
#include "dashboard/dashboard_api.h"

namespace cc {
namespace {

int64_t At(const char* iso) { return *ParseIsoTimestampMs(iso); }

const int64_t kNow = At("2025-09-10T12:00:00Z");
const char kHostileName[] = "bill\"ing\\team\nx\xff";

Alert MakeAlert(AlertKind kind, const std::string& budget, const char* start,
                int threshold, double spent, double limit, const char* fired) {
  Alert a;
  a.kind = kind;
  a.id = std::string(AlertKindName(kind))
             .append(":")
             .append(budget)
             .append(":")
             .append(start)
             .append(":")
             .append(std::to_string(threshold));
  a.budget = budget;
  a.threshold_pct = threshold;
  a.spent = spent;
  a.limit = limit;
  a.fired_ms = At(fired);
  return a;
}

std::vector<BudgetStatus> Statuses() {
  std::vector<BudgetStatus> out;
  BudgetStatus daily;
  daily.budget.name = "daily";
  daily.budget.period = BudgetPeriod::kDay;
  daily.budget.usd = 20;
  daily.unit = "usd";
  daily.limit = 20;
  daily.period = {At("2025-09-10T00:00:00Z"), At("2025-09-11T00:00:00Z")};
  daily.period_start = "2025-09-10T00:00:00+00:00";
  daily.spent = 12.4;
  daily.percent = 62;
  daily.projected = 24.8;
  daily.alerts.push_back(MakeAlert(AlertKind::kThreshold, "daily", "2025-09-10T00:00:00+00:00",
                                   50, 10.05, 20, "2025-09-10T09:30:00Z"));
  out.push_back(daily);

  BudgetStatus week;
  week.budget.name = kHostileName;
  week.budget.period = BudgetPeriod::kWeek;
  week.budget.usd = 60;
  week.budget.thresholds = {80, 100};
  week.budget.project = "~/work/billing";
  week.unit = "usd";
  week.limit = 60;
  week.period = {At("2025-09-07T00:00:00Z"), At("2025-09-14T00:00:00Z")};
  week.period_start = "2025-09-07T00:00:00+00:00";
  week.spent = 75;
  week.percent = 125;
  week.projected = 150;
  week.alerts.push_back(MakeAlert(AlertKind::kThreshold, "w", "2025-09-07T00:00:00+00:00", 80,
                                  48.5, 60, "2025-09-09T10:00:00Z"));
  week.alerts.push_back(MakeAlert(AlertKind::kProjection, "w", "2025-09-07T00:00:00+00:00", 0,
                                  50, 60, "2025-09-09T11:00:00Z"));
  week.alerts.back().projected = 116.5;
  out.push_back(week);

  BudgetStatus block;
  block.budget.name = "block";
  block.budget.period = BudgetPeriod::kBlock;
  block.budget.tokens = 5'000'000;
  block.unit = "tokens";
  block.limit = 5'000'000;
  block.active = false;
  out.push_back(block);

  BudgetStatus month;
  month.budget.name = "month ~/nope";
  month.budget.period = BudgetPeriod::kMonth;
  month.budget.usd = 400;
  month.budget.project = "~/nope";
  month.unit = "usd";
  month.limit = 400;
  month.period = {At("2025-09-01T00:00:00Z"), At("2025-10-01T00:00:00Z")};
  month.period_start = "2025-09-01T00:00:00+00:00";
  month.problem = "project '~/nope': no project of that name in the ledger";
  out.push_back(month);
  return out;
}

class BudgetApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    snapshot_->origin = "ledger";
    snapshot_->version = 4;
  }

  DashboardApi Api(std::function<Result<std::vector<BudgetStatus>>(int64_t)> budgets) {
    ApiSources src;
    src.snapshot = [this] { return snapshot_; };
    src.now_ms = [] { return kNow; };
    src.prices = &PriceTable::Embedded();
    src.budgets = std::move(budgets);
    return DashboardApi(src);
  }

  std::shared_ptr<DashboardSnapshot> snapshot_ = std::make_shared<DashboardSnapshot>();
};

TEST(BudgetJson, OneBudgetExactly) {
  JsonWriter w(false);
  WriteBudgetJson(w, Statuses()[0], TimeZone::Utc());
  EXPECT_EQ(w.Finish(),
            R"({"name":"daily","period":"day","unit":"usd","limit":20,"thresholds":[50,80,100],)"
            R"("project":null,"source":null,"active":true,"start":"2025-09-10T00:00:00.000Z",)"
            R"("end":"2025-09-11T00:00:00.000Z","periodStart":"2025-09-10T00:00:00+00:00",)"
            R"("periodEnd":"2025-09-11T00:00:00+00:00",)"
            R"("spent":12.4,"percent":62,"projected":24.8,"overBudget":false,"problem":null,)"
            R"("alerts":[{"id":"threshold:daily:2025-09-10T00:00:00+00:00:50",)"
            R"("kind":"threshold","threshold":50,"spent":10.05,"limit":20,"projected":0,)"
            R"("firedAt":"2025-09-10T09:30:00.000Z"}]})"
            "\n");
}

TEST_F(BudgetApiTest, EveryBudgetWithItsPeriodSpendProjectionAndAlerts) {
  int64_t asked_at = 0;
  DashboardApi api = Api([&](int64_t now) -> Result<std::vector<BudgetStatus>> {
    asked_at = now;
    return Statuses();
  });
  ApiResponse r = api.Handle(ApiRequest{"/api/budgets", {}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(asked_at, kNow);
  simdjson::dom::parser parser;
  simdjson::dom::element o;
  ASSERT_EQ(parser.parse(r.body).get(o), simdjson::SUCCESS) << r.body;
  EXPECT_EQ(o["version"].get_uint64().value(), 4u);
  EXPECT_TRUE(o["available"].get_bool().value());
  EXPECT_EQ(std::string(o["now"].get_string().value()), "2025-09-10T12:00:00.000Z");
  simdjson::dom::array budgets = o["budgets"].get_array().value();
  ASSERT_EQ(budgets.size(), 4u);
  simdjson::dom::element week = budgets.at(1).value();
  // The name as given, its stray byte as U+FFFD (JSON is UTF-8).
  EXPECT_EQ(std::string(week["name"].get_string().value()), "bill\"ing\\team\nx\xEF\xBF\xBD");
  EXPECT_TRUE(week["overBudget"].get_bool().value());
  EXPECT_EQ(week["percent"].get_int64().value(), 125);
  EXPECT_EQ(std::string(week["project"].get_string().value()), "~/work/billing");
  simdjson::dom::array alerts = week["alerts"].get_array().value();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(std::string(alerts.at(1)["kind"].get_string().value()), "projection");
  EXPECT_EQ(alerts.at(1)["projected"].get_double().value(), 116.5);
  simdjson::dom::element block = budgets.at(2).value();
  EXPECT_FALSE(block["active"].get_bool().value());
  EXPECT_TRUE(block["start"].is_null());
  EXPECT_TRUE(block["periodStart"].is_null());
  EXPECT_TRUE(block["projected"].is_null());
  EXPECT_EQ(std::string(block["unit"].get_string().value()), "tokens");
  EXPECT_EQ(block["limit"].get_int64().value(), 5'000'000);
  EXPECT_EQ(std::string(budgets.at(3)["problem"].get_string().value()),
            "project '~/nope': no project of that name in the ledger");
}

TEST_F(BudgetApiTest, NoBudgetsConfiguredIsAnEmptyList) {
  DashboardApi api = Api([](int64_t) { return Result<std::vector<BudgetStatus>>(
                                           std::vector<BudgetStatus>{}); });
  ApiResponse r = api.Handle(ApiRequest{"/api/budgets", {}});
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("available":true,"note":"","budgets":[]})"), std::string::npos)
      << r.body;
  ApiResponse m = api.Handle(ApiRequest{"/metrics", {}});
  EXPECT_EQ(m.body.find("budget"), std::string::npos) << m.body;
}

TEST_F(BudgetApiTest, AnOriginWithoutBudgetsSaysSoAndAReadErrorIsA500) {
  DashboardApi clickhouse = Api([](int64_t) -> Result<std::vector<BudgetStatus>> {
    return Status::NotSupported("budgets are evaluated on each machine's ledger");
  });
  ApiResponse r = clickhouse.Handle(ApiRequest{"/api/budgets", {}});
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("available":false,"note":"budgets are evaluated on each )"
                        R"(machine's ledger","budgets":[]})"),
            std::string::npos)
      << r.body;
  DashboardApi broken = Api([](int64_t) -> Result<std::vector<BudgetStatus>> {
    return Status::IoError("disk I/O error");
  });
  r = broken.Handle(ApiRequest{"/api/budgets", {}});
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("disk I/O error"), std::string::npos);
  // /metrics still answers, without the budgets.
  ApiResponse m = broken.Handle(ApiRequest{"/metrics", {}});
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.body.find("context_cleaner_budget"), std::string::npos) << m.body;
}

// The gauges, each label value escaped as the text format wants: \" \\ \n,
// and a byte that is not UTF-8 as U+FFFD.
TEST_F(BudgetApiTest, MetricsHaveAGaugePerBudgetWithEscapedLabels) {
  DashboardApi api = Api([](int64_t) { return Result<std::vector<BudgetStatus>>(Statuses()); });
  ApiResponse m = api.Handle(ApiRequest{"/metrics", {}});
  ASSERT_EQ(m.status, 200);
  const std::string week = "budget=\"bill\\\"ing\\\\team\\nx\xEF\xBF\xBD\",period=\"week\",unit=\"usd\"";
  std::string expected;
  auto line = [&](const char* text) { expected.append(text).append("\n"); };
  auto week_sample = [&](const char* name, const char* value) {
    expected.append(name).append("{").append(week).append("} ").append(value).append("\n");
  };
  line("# HELP context_cleaner_budget_spent Spent in the budget's current period, in its "
       "unit (usd or tokens).");
  line("# TYPE context_cleaner_budget_spent gauge");
  line("context_cleaner_budget_spent{budget=\"daily\",period=\"day\",unit=\"usd\"} 12.4");
  week_sample("context_cleaner_budget_spent", "75");
  line("context_cleaner_budget_spent{budget=\"block\",period=\"block\",unit=\"tokens\"} 0");
  line("# HELP context_cleaner_budget_limit The budget's limit per period, in its unit.");
  line("# TYPE context_cleaner_budget_limit gauge");
  line("context_cleaner_budget_limit{budget=\"daily\",period=\"day\",unit=\"usd\"} 20");
  week_sample("context_cleaner_budget_limit", "60");
  line("context_cleaner_budget_limit{budget=\"block\",period=\"block\",unit=\"tokens\"} "
       "5000000");
  line("context_cleaner_budget_limit{budget=\"month ~/nope\",period=\"month\",unit=\"usd\"} "
       "400");
  line("# HELP context_cleaner_budget_ratio Spent over the limit in the current period (1 = "
       "the whole budget).");
  line("# TYPE context_cleaner_budget_ratio gauge");
  line("context_cleaner_budget_ratio{budget=\"daily\",period=\"day\",unit=\"usd\"} 0.62");
  week_sample("context_cleaner_budget_ratio", "1.25");
  line("context_cleaner_budget_ratio{budget=\"block\",period=\"block\",unit=\"tokens\"} 0");
  line("# HELP context_cleaner_budget_projected Spend at the period's end at the rate since "
       "its start, in the budget's unit (absent early in a period).");
  line("# TYPE context_cleaner_budget_projected gauge");
  line("context_cleaner_budget_projected{budget=\"daily\",period=\"day\",unit=\"usd\"} 24.8");
  week_sample("context_cleaner_budget_projected", "150");
  line("# HELP context_cleaner_budget_alerts Alerts the budget fired in its current period.");
  line("# TYPE context_cleaner_budget_alerts gauge");
  line("context_cleaner_budget_alerts{budget=\"daily\",period=\"day\",unit=\"usd\"} 1");
  week_sample("context_cleaner_budget_alerts", "2");
  line("context_cleaner_budget_alerts{budget=\"block\",period=\"block\",unit=\"tokens\"} 0");
  EXPECT_NE(m.body.find(expected), std::string::npos) << m.body;
}

}  // namespace
}  // namespace cc
