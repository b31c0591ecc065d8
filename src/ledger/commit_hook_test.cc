// The commit hook runs inside every writing transaction: what it writes
// commits with the events, and its failure takes the events with it.
#include "ledger/commit_hook.h"

#include <gtest/gtest.h>

#include "ledger/fired_alerts.h"
#include "ledger/ledger_writer.h"
#include "ledger/rollup.h"
#include "ledger/spend_rows.h"
#include "ledger/sqlite_db.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr int64_t kStart = 1'756'857'600'000;  // 2025-09-03T00:00:00Z.
constexpr int64_t kQuarter = 15 * 60'000;

Event Request(const std::string& key, int64_t t, uint64_t output,
              const std::string& project = "-p") {
  Event e;
  e.key = key;
  e.tokens.input = 10;
  e.tokens.output = output;
  e.first = Provenance{t, "/f.jsonl", 0};
  e.attributes.session_id = "s";
  e.attributes.project = project;
  e.attributes.model = "claude-sonnet-4-20250514";
  return e;
}

Alert AlertWithId(const std::string& id, int64_t fired_ms) {
  Alert a;
  a.id = id;
  a.budget = "day";
  a.period = "day";
  a.unit = "usd";
  a.threshold_pct = 50;
  a.spent = 12.5;
  a.limit = 20;
  a.fired_ms = fired_ms;
  return a;
}

std::vector<Alert> StoredAlerts(const std::string& path) {
  Result<std::unique_ptr<LedgerReader>> reader = LedgerReader::Open(path);
  EXPECT_TRUE(reader.ok());
  std::vector<Alert> out;
  EXPECT_TRUE((*reader)
                  ->InReadTransaction([&](sql::Database& db) -> Status {
                    Result<std::vector<Alert>> a = ReadAlertsSince(db, 0);
                    if (!a.ok()) return a.status();
                    out = *a;
                    return Status::Ok();
                  })
                  .ok());
  return out;
}

int64_t Deliveries(const std::string& path) {
  Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(path, true);
  EXPECT_TRUE(db.ok());
  Result<int64_t> n = (*db)->QueryInt("SELECT COUNT(*) FROM alert_deliveries");
  return n.ok() ? *n : -1;
}

// Records what it saw; writes an alert; fails when told to.
class RecordingHook final : public CommitHook {
 public:
  Status InTransaction(sql::Database& db, const CommitSummary& what,
                       int64_t now_ms) override {
    summaries.push_back(what);
    seen_now_ms = now_ms;
    spend_rows = 0;
    Status s = ForEachSpendRow(db, what.buckets.empty() ? 0 : what.buckets.front(),
                               INT64_MAX, [&](const SpendRowView& r) {
                                 ++spend_rows;
                                 spend_tokens += r.tokens;
                               });
    if (!s.ok()) return s;
    Result<bool> added = RecordAlert(db, AlertWithId("a" + std::to_string(summaries.size()), now_ms),
                                     {"webhook", "command"});
    if (!added.ok()) return added.status();
    if (fail) return Status::IoError("hook refused");
    return Status::Ok();
  }
  void AfterCommit(bool committed) override { outcomes.push_back(committed); }

  bool fail = false;
  std::vector<CommitSummary> summaries;
  std::vector<bool> outcomes;
  int64_t seen_now_ms = 0;
  int spend_rows = 0;
  uint64_t spend_tokens = 0;
};

TEST(CommitHook, SeesTheTransactionsBucketsAndCommitsWithIt) {
  test::TempDir dir;
  Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(dir.Join("l.db"), "t");
  ASSERT_TRUE(w.ok());
  RecordingHook hook;
  (*w)->SetCommitHook(&hook);
  Batch batch;
  batch.events = {Request("k1", kStart + 1000, 100),
                  Request("k2", kStart + 3 * kQuarter + 5, 200, "-q")};
  ASSERT_TRUE((*w)->Commit(batch, "host", kStart + 7).ok());
  ASSERT_EQ(hook.summaries.size(), 1u);
  EXPECT_EQ(hook.summaries[0].buckets,
            (std::vector<int64_t>{RollupBucket(kStart), RollupBucket(kStart) + 3}));
  EXPECT_EQ(hook.summaries[0].change_seq_after - hook.summaries[0].change_seq_before, 2);
  EXPECT_EQ(hook.seen_now_ms, kStart + 7);
  // The hook reads the rollup as this transaction left it.
  EXPECT_EQ(hook.spend_rows, 2);
  EXPECT_EQ(hook.spend_tokens, 320u);
  EXPECT_EQ(hook.outcomes, std::vector<bool>{true});
  // A batch of the same events changes nothing: no bucket, same sequence.
  ASSERT_TRUE((*w)->Commit(batch, "host", kStart + 8).ok());
  ASSERT_EQ(hook.summaries.size(), 2u);
  EXPECT_TRUE(hook.summaries[1].buckets.empty());
  EXPECT_EQ(hook.summaries[1].change_seq_before, hook.summaries[0].change_seq_after);
  EXPECT_EQ(hook.summaries[1].change_seq_after, hook.summaries[1].change_seq_before);
  std::vector<Alert> alerts = StoredAlerts(dir.Join("l.db"));
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].id, "a1");
  EXPECT_EQ(alerts[0].spent, 12.5);
  EXPECT_EQ(alerts[0].threshold_pct, 50);
  EXPECT_EQ(alerts[0].fired_ms, kStart + 7);
  EXPECT_EQ(Deliveries(dir.Join("l.db")), 4);
}

TEST(CommitHook, ItsFailureRollsTheEventsBack) {
  test::TempDir dir;
  Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(dir.Join("l.db"), "t");
  ASSERT_TRUE(w.ok());
  RecordingHook hook;
  hook.fail = true;
  (*w)->SetCommitHook(&hook);
  Batch batch;
  batch.events = {Request("k1", kStart, 100)};
  Result<CommitStats> r = (*w)->Commit(batch, "host", kStart);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "hook refused");
  EXPECT_EQ(hook.outcomes, std::vector<bool>{false});
  EXPECT_TRUE(StoredAlerts(dir.Join("l.db")).empty());
  Result<LedgerSummary> summary = (*w)->reader().Summary();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->events, 0u);
  // Once it agrees, the same batch commits whole.
  hook.fail = false;
  ASSERT_TRUE((*w)->Commit(batch, "host", kStart).ok());
  EXPECT_EQ(StoredAlerts(dir.Join("l.db")).size(), 1u);
}

TEST(CommitHook, TelemetryCommitsRunItToo) {
  test::TempDir dir;
  Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(dir.Join("l.db"), "t");
  ASSERT_TRUE(w.ok());
  RecordingHook hook;
  (*w)->SetCommitHook(&hook);
  TelemetryBatch batch;
  TelemetryRequest r;
  r.key = r.request_id = "req_1";
  r.session_id = "s";
  r.model = "claude-sonnet-4-20250514";
  r.tokens.output = 5;
  r.event_ms = kStart;
  batch.requests.push_back(r);
  ASSERT_TRUE((*w)->telemetry().CommitTelemetry(batch, "host", kStart + 1).ok());
  ASSERT_EQ(hook.summaries.size(), 1u);
  EXPECT_EQ(hook.summaries[0].buckets, std::vector<int64_t>{RollupBucket(kStart)});
}

TEST(FiredAlerts, AnIdIsRecordedOnceWithItsDeliveries) {
  test::TempDir dir;
  Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(dir.Join("l.db"), "t");
  ASSERT_TRUE(w.ok());
  class Twice final : public CommitHook {
   public:
    Status InTransaction(sql::Database& db, const CommitSummary&, int64_t) override {
      for (int i = 0; i < 2; ++i) {
        Result<bool> added = RecordAlert(db, AlertWithId("threshold:day:x:50", 5), {"webhook"});
        if (!added.ok()) return added.status();
        results.push_back(*added);
      }
      return Status::Ok();
    }
    void AfterCommit(bool) override {}
    std::vector<bool> results;
  } hook;
  (*w)->SetCommitHook(&hook);
  Batch batch;
  batch.events = {Request("k1", kStart, 100)};
  ASSERT_TRUE((*w)->Commit(batch, "host", kStart).ok());
  EXPECT_EQ(hook.results, (std::vector<bool>{true, false}));
  EXPECT_EQ(StoredAlerts(dir.Join("l.db")).size(), 1u);
  EXPECT_EQ(Deliveries(dir.Join("l.db")), 1);
}

}  // namespace
}  // namespace cc
