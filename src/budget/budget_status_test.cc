// Each budget's status from a real ledger, and its rendering.
#include "budget/budget_status.h"

#include <gtest/gtest.h>

#include "budget/budget_evaluator.h"
#include "budget/budget_render.h"
#include "core/civil_time.h"
#include "ledger/ledger_writer.h"
#include "test_util.h"

namespace cc {
namespace {

int64_t At(const char* iso) { return *ParseIsoTimestampMs(iso); }

Event Request(const std::string& key, const char* iso, uint64_t output,
              const std::string& project) {
  Event e;
  e.key = key;
  e.tokens.output = output;
  e.first = Provenance{At(iso), "/f.jsonl", 0};
  e.attributes.session_id = "s";
  e.attributes.project = project;
  e.attributes.model = "claude-sonnet-4-20250514";  // $15 per M output.
  return e;
}

struct Fixture {
  test::TempDir dir;
  std::string path = dir.Join("l.db");
  std::vector<Budget> budgets;
  BudgetConfig config;

  Fixture() {
    Budget day;
    day.name = "daily";
    day.usd = 10;
    Budget block;
    block.name = "block";
    block.period = BudgetPeriod::kBlock;
    block.tokens = 1'000'000;
    Budget other;
    other.name = "elsewhere";
    other.period = BudgetPeriod::kMonth;
    other.usd = 100;
    other.project = "nowhere";
    budgets = {day, block, other};
    config.budgets = budgets;
    config.alerts.anomaly.enabled = false;
  }

  // Commits with the evaluator, at `now`.
  void Commit(std::vector<Event> events, int64_t now) {
    BudgetEvaluator evaluator(config, BudgetCalendar{}, ProjectLookup{"/home/u", {}});
    Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(path, "t");
    ASSERT_TRUE(w.ok());
    (*w)->SetCommitHook(&evaluator);
    Batch batch;
    batch.events = std::move(events);
    ASSERT_TRUE((*w)->Commit(batch, "host", now).ok());
  }

  std::vector<BudgetStatus> Status(int64_t now) {
    Result<std::unique_ptr<LedgerReader>> reader = LedgerReader::Open(path);
    EXPECT_TRUE(reader.ok());
    Result<std::vector<BudgetStatus>> s = ReadBudgetStatus(
        **reader, budgets, config.alerts, BudgetCalendar{}, now, ProjectLookup{"/home/u", {}});
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : std::vector<BudgetStatus>{};
  }
};

TEST(BudgetStatus, SpendPercentProjectionAndAlertsOfThisPeriod) {
  Fixture f;
  const int64_t now = At("2026-12-08T12:00:00Z");
  f.Commit({Request("y", "2026-12-07T20:00:00Z", 1'000'000, "-home-u-a"),  // Yesterday.
            Request("a", "2026-12-08T02:00:00Z", 200'000, "-home-u-a"),    // $3.
            Request("b", "2026-12-08T11:30:00Z", 200'000, "-home-u-a")},   // $3.
           now);
  std::vector<BudgetStatus> s = f.Status(now);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].budget.name, "daily");
  EXPECT_EQ(s[0].unit, "usd");
  EXPECT_TRUE(s[0].active);
  EXPECT_EQ(s[0].period.start_ms, At("2026-12-08T00:00:00Z"));
  EXPECT_EQ(s[0].period_start, "2026-12-08T00:00:00+00:00");
  EXPECT_NEAR(s[0].spent, 6, 1e-9);
  EXPECT_NEAR(s[0].percent, 60, 1e-9);
  ASSERT_TRUE(s[0].projected);
  EXPECT_NEAR(*s[0].projected, 12, 1e-9);  // $6 in half the day.
  EXPECT_FALSE(s[0].over());
  // 50 % and the projection fired in this commit.
  ASSERT_EQ(s[0].alerts.size(), 2u);
  EXPECT_EQ(s[0].alerts[0].id, "threshold:daily:2026-12-08T00:00:00+00:00:50");
  EXPECT_EQ(s[0].alerts[1].id, "projection:daily:2026-12-08T00:00:00+00:00:0");
  // The block: 11:00-16:00 (the 02:00 request ended its own block).
  EXPECT_TRUE(s[1].active);
  EXPECT_EQ(s[1].period.start_ms, At("2026-12-08T11:00:00Z"));
  EXPECT_EQ(s[1].spent, 200'000);
  EXPECT_NEAR(s[1].percent, 20, 1e-9);
  ASSERT_TRUE(s[1].projected);  // 60 minutes in: 20 % of the block.
  EXPECT_NEAR(*s[1].projected, 1'000'000, 1e-6);  // Not over: no alert.
  EXPECT_TRUE(s[1].alerts.empty());
  // An unknown project counts nothing and says why.
  EXPECT_EQ(s[2].spent, 0);
  EXPECT_EQ(s[2].problem.rfind("project: no project 'nowhere' in the ledger", 0), 0u)
      << s[2].problem;
}

TEST(BudgetStatus, ABlockBudgetWithoutABlockIsInactive) {
  Fixture f;
  f.Commit({Request("a", "2026-12-08T02:00:00Z", 100, "-home-u-a")},
           At("2026-12-08T02:10:00Z"));
  std::vector<BudgetStatus> s = f.Status(At("2026-12-08T12:00:00Z"));
  ASSERT_EQ(s.size(), 3u);
  EXPECT_FALSE(s[1].active);
  EXPECT_EQ(s[1].spent, 0);
  EXPECT_TRUE(s[1].alerts.empty());
  const std::string json = BudgetStatusJson(s, BudgetRenderOptions{});
  EXPECT_NE(json.find("\"name\": \"block\",\n      \"period\": \"block\""), std::string::npos)
      << json;
  EXPECT_NE(json.find("\"active\": false,\n      \"periodStart\": null"), std::string::npos);
}

TEST(BudgetStatus, OverBudgetAndTheTable) {
  Fixture f;
  const int64_t now = At("2026-12-08T12:00:00Z");
  f.Commit({Request("a", "2026-12-08T11:00:00Z", 700'000, "-home-u-a")}, now);  // $10.50.
  std::vector<BudgetStatus> s = f.Status(now);
  EXPECT_TRUE(s[0].over());
  EXPECT_TRUE(AnyOverBudget(s));
  EXPECT_EQ(OverBudgetLine(s[0]),
            "daily: 105% of $10.00 ($10.50 spent, day from 2026-12-08T00:00:00+00:00)");
  BudgetRenderOptions opt;
  opt.width = 200;
  const std::string table = BudgetStatusTable(s, opt);
  EXPECT_NE(table.find("daily      day 2026-12-08"), std::string::npos) << table;
  EXPECT_NE(table.find("$10.50     $10.00  105%     $21.00"), std::string::npos)
      << table;
  EXPECT_NE(table.find("50% 80% 100%"), std::string::npos) << table;
  EXPECT_NE(table.find("elsewhere: project: no project 'nowhere'"), std::string::npos);
}

}  // namespace
}  // namespace cc
