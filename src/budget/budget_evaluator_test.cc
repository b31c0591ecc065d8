// The budgets' alerts, fired inside real commits to a real ledger with
// the clock where each test puts it. Costs are hand-computed: Claude
// Sonnet 4 output is $15 per million tokens, so 100,000 output tokens
// cost $1.50.
#include "budget/budget_evaluator.h"

#include <gtest/gtest.h>

#include "core/civil_time.h"
#include "ledger/fired_alerts.h"
#include "ledger/ledger_reader.h"
#include "ledger/ledger_writer.h"
#include "ledger/sqlite_db.h"
#include "test_util.h"

namespace cc {
namespace {

int64_t At(const char* iso) { return *ParseIsoTimestampMs(iso); }

TimeZone Zone(const char* name) {
  Result<TimeZone> z = TimeZone::Load(name);
  EXPECT_TRUE(z.ok()) << name;
  return z.ok() ? *z : TimeZone::Utc();
}

Budget DayBudget(const std::string& name, double usd, std::vector<int> thresholds) {
  Budget b;
  b.name = name;
  b.period = BudgetPeriod::kDay;
  b.usd = usd;
  b.thresholds = std::move(thresholds);
  return b;
}

// Alerts only from budgets: no projection, no anomaly.
BudgetConfig ThresholdsOnly(std::vector<Budget> budgets) {
  BudgetConfig c;
  c.budgets = std::move(budgets);
  c.alerts.projection = false;
  c.alerts.anomaly.enabled = false;
  return c;
}

// A ledger with an evaluator on its writer; commits at the fake clock.
class Ledger {
 public:
  Ledger(const std::string& path, BudgetConfig config,
         TimeZone zone = TimeZone::Utc())
      : path_(path),
        evaluator_(std::move(config), BudgetCalendar{std::move(zone), 1},
                   ProjectLookup{"/home/u", {}}) {
    Open();
  }

  void Open() {
    writer_.reset();
    Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(path_, "test");
    ASSERT_TRUE(w.ok()) << w.status().message();
    writer_ = std::move(*w);
    writer_->SetCommitHook(&evaluator_);
    evaluator_.SetOnFired([this](const std::vector<Alert>& alerts) {
      for (const Alert& a : alerts) heard.push_back(a.id);
    });
  }

  // One request of `output` tokens at `iso` (a key per request).
  void Request(const std::string& key, const char* iso, uint64_t output,
               const std::string& project = "-home-u-work") {
    Event e;
    e.key = key;
    e.tokens.output = output;
    e.first = Provenance{At(iso), "/f.jsonl", 0};
    e.attributes.session_id = "s";
    e.attributes.project = project;
    e.attributes.model = "claude-sonnet-4-20250514";
    Batch batch;
    batch.events.push_back(e);
    Result<CommitStats> r = writer_->Commit(batch, "host", clock.NowMs());
    ASSERT_TRUE(r.ok()) << r.status().message();
  }

  std::vector<std::string> AlertIds() {
    std::vector<std::string> ids;
    for (const Alert& a : Alerts()) ids.push_back(a.id);
    return ids;
  }

  std::vector<Alert> Alerts() {
    std::vector<Alert> out;
    Status s = writer_->reader().InReadTransaction([&](sql::Database& db) -> Status {
      Result<std::vector<Alert>> a = ReadAlertsSince(db, 0);
      if (!a.ok()) return a.status();
      out = *a;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  test::FakeClock clock;
  std::vector<std::string> heard;  // Ids the listener heard, in order.
  LedgerWriter& writer() { return *writer_; }

 private:
  std::string path_;
  BudgetEvaluator evaluator_;
  std::unique_ptr<LedgerWriter> writer_;
};

TEST(BudgetEvaluator, EachThresholdFiresOnceAcrossRepeatedCommits) {
  test::TempDir dir;
  BudgetConfig config = ThresholdsOnly({DayBudget("daily", 3, {50, 80, 100})});
  config.alerts.channels.webhook_url = "https://hooks.example/x";
  Ledger ledger(dir.Join("l.db"), config);
  ledger.clock.now_ms = At("2026-12-08T12:00:00Z");
  ledger.Request("a", "2026-12-08T10:00:00Z", 120'000);  // $1.80: 60 %.
  const std::string p50 = "threshold:daily:2026-12-08T00:00:00+00:00:50";
  EXPECT_EQ(ledger.AlertIds(), std::vector<std::string>{p50});
  ledger.Request("a", "2026-12-08T10:00:00Z", 120'000);  // The same again.
  ledger.Request("a", "2026-12-08T10:00:00Z", 120'000);
  EXPECT_EQ(ledger.AlertIds().size(), 1u);
  ledger.Request("b", "2026-12-08T11:00:00Z", 60'000);  // $2.70: 90 %.
  ledger.Request("c", "2026-12-08T11:30:00Z", 40'000);  // $3.30: 110 %.
  ledger.Request("d", "2026-12-08T11:45:00Z", 40'000);  // $3.90.
  const std::string p80 = "threshold:daily:2026-12-08T00:00:00+00:00:80";
  const std::string p100 = "threshold:daily:2026-12-08T00:00:00+00:00:100";
  EXPECT_EQ(ledger.heard, (std::vector<std::string>{p50, p80, p100}));
  std::vector<Alert> alerts = ledger.Alerts();  // Same time: by id.
  ASSERT_EQ(alerts.size(), 3u);
  const Alert& full = alerts[0];
  EXPECT_EQ(full.id, p100);
  EXPECT_EQ(full.kind, AlertKind::kThreshold);
  EXPECT_EQ(full.budget, "daily");
  EXPECT_EQ(full.period, "day");
  EXPECT_EQ(full.period_start_ms, At("2026-12-08T00:00:00Z"));
  EXPECT_EQ(full.period_end_ms, At("2026-12-09T00:00:00Z"));
  EXPECT_EQ(full.threshold_pct, 100);
  EXPECT_EQ(full.unit, "usd");
  EXPECT_NEAR(full.spent, 3.30, 1e-9);  // When it was crossed, not now.
  EXPECT_EQ(full.limit, 3);
  EXPECT_EQ(full.fired_ms, At("2026-12-08T12:00:00Z"));
  // A restarted writer (a new process) fires none of them again.
  ledger.Open();
  ledger.heard.clear();
  ledger.Request("e", "2026-12-08T11:50:00Z", 1'000);
  EXPECT_TRUE(ledger.heard.empty());
  EXPECT_EQ(ledger.AlertIds().size(), 3u);
}

TEST(BudgetEvaluator, OneCommitPastSeveralThresholdsFiresEach) {
  test::TempDir dir;
  Ledger ledger(dir.Join("l.db"), ThresholdsOnly({DayBudget("d", 1, {50, 80, 100})}));
  ledger.clock.now_ms = At("2026-12-08T12:00:00Z");
  ledger.Request("a", "2026-12-08T11:00:00Z", 100'000);  // $1.50: 150 %.
  EXPECT_EQ(ledger.AlertIds().size(), 3u);
}

TEST(BudgetEvaluator, RetryingChannelsGetADeliveryRowEach) {
  test::TempDir dir;
  BudgetConfig config = ThresholdsOnly({DayBudget("d", 1, {100})});
  config.alerts.channels.webhook_url = "https://hooks.example/x";
  config.alerts.channels.command = "cat";
  Ledger ledger(dir.Join("l.db"), config);
  ledger.clock.now_ms = At("2026-12-08T12:00:00Z");
  ledger.Request("a", "2026-12-08T11:00:00Z", 100'000);
  Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(dir.Join("l.db"), true);
  ASSERT_TRUE(db.ok());
  Result<int64_t> rows = (*db)->QueryInt(
      "SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = "
      "'threshold:d:2026-12-08T00:00:00+00:00:100' AND channel IN ('webhook', "
      "'command') AND delivered_ms IS NULL AND next_attempt_ms = 1796731200000");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 2);
}

TEST(BudgetEvaluator, DaysRollOverInTheZoneOnADstDay) {
  // Berlin springs forward on 2026-03-29: that day ends at 22:00 UTC.
  test::TempDir dir;
  Budget b;
  b.name = "tokens";
  b.period = BudgetPeriod::kDay;
  b.tokens = 1000;
  b.thresholds = {100};
  Ledger ledger(dir.Join("l.db"), ThresholdsOnly({b}), Zone("Europe/Berlin"));
  ledger.clock.now_ms = At("2026-03-29T21:40:00Z");  // 23:40 CEST.
  ledger.Request("a", "2026-03-29T21:30:00Z", 1000);
  EXPECT_EQ(ledger.AlertIds(),
            std::vector<std::string>{"threshold:tokens:2026-03-29T00:00:00+01:00:100"});
  // 00:10 on the 30th: a new day; the 1000 tokens before 22:00 UTC are
  // the 29th's.
  ledger.clock.now_ms = At("2026-03-29T22:10:00Z");
  ledger.Request("b", "2026-03-29T22:05:00Z", 500);
  EXPECT_EQ(ledger.AlertIds().size(), 1u);
  ledger.Request("c", "2026-03-29T22:08:00Z", 500);
  EXPECT_EQ(ledger.AlertIds(),
            (std::vector<std::string>{"threshold:tokens:2026-03-29T00:00:00+01:00:100",
                                      "threshold:tokens:2026-03-30T00:00:00+02:00:100"}));
}

TEST(BudgetEvaluator, HistoryOutsideTheCurrentPeriodFiresNothing) {
  test::TempDir dir;
  Ledger ledger(dir.Join("l.db"), ThresholdsOnly({DayBudget("d", 1, {100})}));
  ledger.clock.now_ms = At("2026-12-08T12:00:00Z");
  ledger.Request("old", "2026-12-07T11:00:00Z", 1'000'000);  // $15 yesterday.
  EXPECT_TRUE(ledger.AlertIds().empty());
  // Today's spend alone decides.
  ledger.Request("new", "2026-12-08T11:00:00Z", 60'000);  // $0.90.
  EXPECT_TRUE(ledger.AlertIds().empty());
}

TEST(BudgetEvaluator, ProjectAndSourceFilters) {
  test::TempDir dir;
  Budget billing = DayBudget("billing", 1, {100});
  billing.project = "~/work/billing";
  Budget laptop = DayBudget("laptop", 1, {100});
  laptop.source = "laptop";
  Ledger ledger(dir.Join("l.db"), ThresholdsOnly({billing, laptop}));
  ledger.clock.now_ms = At("2026-12-08T12:00:00Z");
  ledger.Request("a", "2026-12-08T11:00:00Z", 100'000, "-home-u-work");  // $1.50.
  EXPECT_TRUE(ledger.AlertIds().empty());  // Neither the project nor "laptop".
  ledger.Request("b", "2026-12-08T11:10:00Z", 70'000, "-home-u-work-billing");
  EXPECT_EQ(ledger.AlertIds(),
            std::vector<std::string>{"threshold:billing:2026-12-08T00:00:00+00:00:100"});
}

TEST(BudgetEvaluator, ProjectionFiresOnTheBurnRateAndNotOnAQuietDay) {
  test::TempDir dir;
  BudgetConfig config;
  config.budgets = {DayBudget("daily", 10, {100})};
  config.alerts.anomaly.enabled = false;
  Ledger burning(dir.Join("burning.db"), config);
  // 02:00 is 8 % of the day: too early to project, however fast.
  burning.clock.now_ms = At("2026-12-08T02:00:00Z");
  burning.Request("a", "2026-12-08T01:00:00Z", 400'000);  // $6.
  EXPECT_TRUE(burning.AlertIds().empty());
  // 12:00: $6 in half a day ends the day at $12 > $10.
  burning.clock.now_ms = At("2026-12-08T12:00:00Z");
  burning.Request("b", "2026-12-08T11:00:00Z", 1);
  std::vector<Alert> alerts = burning.Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].id, "projection:daily:2026-12-08T00:00:00+00:00:0");
  EXPECT_EQ(alerts[0].kind, AlertKind::kProjection);
  EXPECT_NEAR(alerts[0].spent, 6.000015, 1e-9);
  EXPECT_NEAR(alerts[0].projected, 12.00003, 1e-9);
  // Once per period.
  burning.Request("c", "2026-12-08T11:30:00Z", 1);
  EXPECT_EQ(burning.AlertIds().size(), 1u);

  BudgetConfig quiet_config = config;
  Ledger quiet(dir.Join("quiet.db"), quiet_config);
  quiet.clock.now_ms = At("2026-12-08T12:00:00Z");
  quiet.Request("a", "2026-12-08T11:00:00Z", 300'000);  // $4.50: ends at $9.
  EXPECT_TRUE(quiet.AlertIds().empty());
}

// 14 days of history, one request a day at 10:05 UTC: $1.50 and $3.00 on
// alternate days (median $2.25, MAD $0.75: with k = 5 the bound is $6).
void History(Ledger& ledger) {
  for (int d = 1; d <= 14; ++d) {
    const std::string day = FormatDate(*ParseDate("2026-12-08") - d);
    const std::string iso = day + "T10:05:00Z";
    ledger.Request("h" + std::to_string(d), iso.c_str(), d % 2 ? 100'000 : 200'000);
  }
}

BudgetConfig AnomalyOnly() {
  BudgetConfig c;
  c.alerts.projection = false;
  return c;
}

TEST(BudgetEvaluator, AnomalyFiresAboveMedianPlusKMads) {
  test::TempDir dir;
  Ledger ledger(dir.Join("l.db"), AnomalyOnly());
  ledger.clock.now_ms = At("2026-12-08T10:30:00Z");
  History(ledger);
  EXPECT_TRUE(ledger.AlertIds().empty());  // History changes no current period.
  ledger.Request("a", "2026-12-08T10:20:00Z", 500'000);  // $7.50 > $6.
  std::vector<Alert> alerts = ledger.Alerts();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].id, "anomaly:day:2026-12-08T00:00:00+00:00:0");
  EXPECT_EQ(alerts[1].id, "anomaly:hour:2026-12-08T10:00:00+00:00:0");
  EXPECT_EQ(alerts[1].kind, AlertKind::kAnomaly);
  EXPECT_EQ(alerts[1].period, "hour");
  EXPECT_EQ(alerts[1].period_end_ms, At("2026-12-08T11:00:00Z"));
  EXPECT_NEAR(alerts[1].spent, 7.5, 1e-9);
  EXPECT_NEAR(alerts[1].limit, 6.0, 1e-9);
  // Once per hour and day.
  ledger.Request("b", "2026-12-08T10:25:00Z", 100'000);
  EXPECT_EQ(ledger.AlertIds().size(), 2u);
}

TEST(BudgetEvaluator, NoAnomalyOnAQuietControl) {
  test::TempDir dir;
  Ledger ledger(dir.Join("l.db"), AnomalyOnly());
  ledger.clock.now_ms = At("2026-12-08T10:30:00Z");
  History(ledger);
  ledger.Request("a", "2026-12-08T10:20:00Z", 390'000);  // $5.85 < $6.
  EXPECT_TRUE(ledger.AlertIds().empty());
}

TEST(BudgetEvaluator, AnomalyNeedsMinUsdAndAWeekOfHistory) {
  test::TempDir dir;
  Ledger ledger(dir.Join("l.db"), AnomalyOnly());
  ledger.clock.now_ms = At("2026-12-08T03:30:00Z");
  History(ledger);
  // 03:00 was never used (bound $0), but $0.75 is under minUsd ($1).
  ledger.Request("a", "2026-12-08T03:10:00Z", 50'000);
  EXPECT_TRUE(ledger.AlertIds().empty());
  ledger.Request("b", "2026-12-08T03:20:00Z", 50'000);  // $1.50.
  EXPECT_EQ(ledger.AlertIds(),
            std::vector<std::string>{"anomaly:hour:2026-12-08T03:00:00+00:00:0"});

  // Six days of history are not a baseline.
  test::TempDir other;
  Ledger young(other.Join("l.db"), AnomalyOnly());
  young.clock.now_ms = At("2026-12-08T10:30:00Z");
  young.Request("h", "2026-12-02T10:05:00Z", 100'000);
  young.Request("a", "2026-12-08T10:20:00Z", 2'000'000);  // $30.
  EXPECT_TRUE(young.AlertIds().empty());
}

TEST(BudgetEvaluator, CountsWhatAnotherConnectionCommitted) {
  test::TempDir dir;
  Ledger ledger(dir.Join("l.db"), ThresholdsOnly({DayBudget("d", 3, {100})}));
  ledger.clock.now_ms = At("2026-12-08T12:00:00Z");
  ledger.Request("a", "2026-12-08T10:00:00Z", 100'000);  // $1.50 here.
  // The receiver's connection commits $1.50 more (no evaluator on it).
  Result<std::unique_ptr<TelemetryStore>> receiver =
      TelemetryStore::Open(dir.Join("l.db"));
  ASSERT_TRUE(receiver.ok());
  TelemetryBatch batch;
  TelemetryRequest r;
  r.key = r.request_id = "req_x";
  r.session_id = "s2";
  r.model = "claude-sonnet-4-20250514";
  r.tokens.output = 100'000;
  r.event_ms = At("2026-12-08T10:10:00Z");
  batch.requests.push_back(r);
  ASSERT_TRUE((*receiver)->CommitTelemetry(batch, "host", ledger.clock.NowMs()).ok());
  EXPECT_TRUE(ledger.AlertIds().empty());
  // The writer's next commit sees $3.00 + its own.
  ledger.Request("b", "2026-12-08T11:00:00Z", 1);
  EXPECT_EQ(ledger.AlertIds().size(), 1u);
}

TEST(BudgetEvaluator, ABlockBudgetCountsTheActiveBlock) {
  test::TempDir dir;
  Budget b;
  b.name = "block";
  b.period = BudgetPeriod::kBlock;
  b.tokens = 1000;
  b.thresholds = {100};
  Ledger ledger(dir.Join("l.db"), ThresholdsOnly({b}));
  ledger.clock.now_ms = At("2026-12-08T12:00:00Z");
  ledger.Request("a", "2026-12-08T04:00:00Z", 900);  // An earlier block.
  ledger.Request("b", "2026-12-08T10:20:00Z", 600);  // Block 10:00-15:00.
  EXPECT_TRUE(ledger.AlertIds().empty());
  ledger.Request("c", "2026-12-08T11:50:00Z", 400);
  EXPECT_EQ(ledger.AlertIds(),
            std::vector<std::string>{"threshold:block:2026-12-08T10:00:00+00:00:100"});
}

}  // namespace
}  // namespace cc
