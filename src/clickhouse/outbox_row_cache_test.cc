// The cache against its oracle: the rows SQLite holds for a range, encoded
// the way the shipper encodes what it reads back (ShipQueue::ForEachOutboxEvent
// then AppendRowBinary). Served bytes must equal those exactly, and a range
// the cache did not see whole must not be served.
#include "clickhouse/outbox_row_cache.h"

#include <gtest/gtest.h>

#include "clickhouse/row_format.h"
#include "ledger/ledger_writer.h"
#include "ledger/sqlite_db.h"
#include "test_util.h"

namespace cc {
namespace {

// Through the ledger's own SQLite wrapper, on a second connection.
void ExecSql(const std::string& path, const std::string& sql) {
  auto db = sql::Database::Open(path, false);
  ASSERT_TRUE(db.ok()) << db.status().message();
  Status s = (*db)->Exec(sql);
  EXPECT_TRUE(s.ok()) << s.message();
}

constexpr int64_t kStart = 1'756'857'600'000;  // 2025-09-03T00:00:00Z.

Event MakeEvent(int i, uint64_t output) {
  Event e;
  e.key = "msg_" + std::to_string(i) + ":req_" + std::to_string(i);
  e.tokens.input = 10;
  e.tokens.output = output;
  e.tokens.cache_creation = 40;
  e.tokens.cache_creation_5m = 40;
  e.tokens.cache_read = 100;
  e.attributes.session_id = "s" + std::to_string(i % 3);
  e.attributes.project = "p" + std::to_string(i % 2);
  e.attributes.cwd = "/home/dev/p" + std::to_string(i % 2);
  e.attributes.git_branch = "main";
  e.attributes.version = "2.1.39";
  e.attributes.model = "claude-sonnet-4-20250514";
  e.attributes.agent_id = i % 4 == 0 ? "agent-" + std::to_string(i) : "";
  e.attributes.is_sidechain = i % 4 == 0;
  e.first = Provenance{kStart + i * 60'000, "/f.jsonl",
                       static_cast<uint64_t>(i) * 100};
  return e;
}

class OutboxRowCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.Join("ledger.db");
    auto l = LedgerWriter::Open(path_, "test");
    ASSERT_TRUE(l.ok()) << l.status().message();
    ledger_ = std::move(*l);
    ledger_->SetOutboxTap(&cache_);
  }
  void TearDown() override {
    if (ledger_) ledger_->SetOutboxTap(nullptr);
  }

  void Commit(const std::vector<Event>& events, int64_t now_ms = 1'000) {
    Batch b;
    b.events = events;
    Result<CommitStats> s = ledger_->Commit(b, "host-a", now_ms);
    ASSERT_TRUE(s.ok()) << s.status().message();
  }

  // What the shipper sends for [first, last] when it reads the ledger.
  std::string FromLedger(int64_t first, int64_t last, uint64_t* rows) {
    std::string body;
    *rows = 0;
    Status s =
        ledger_->ship_queue().ForEachOutboxEvent(first, last, [&](const EventRow& e) {
          AppendRowBinary(body, e, "alice");
          ++*rows;
        });
    EXPECT_TRUE(s.ok()) << s.message();
    return body;
  }

  void ExpectServedAsTheLedgerHoldsIt(int64_t first, int64_t last) {
    std::string cached;
    std::optional<uint64_t> n = cache_.AppendRange(first, last, cached);
    ASSERT_TRUE(n.has_value()) << "[" << first << ", " << last << "]";
    uint64_t rows = 0;
    const std::string expected = FromLedger(first, last, &rows);
    EXPECT_EQ(*n, rows);
    EXPECT_EQ(cached, expected);
  }

  test::TempDir dir_;
  std::string path_;
  OutboxRowCache cache_{"alice", 1u << 20};
  std::unique_ptr<LedgerWriter> ledger_;
};

TEST_F(OutboxRowCacheTest, ServesWhatTheLedgerHoldsForInsertsAndUpdates) {
  std::vector<Event> first;
  for (int i = 0; i < 20; ++i) first.push_back(MakeEvent(i, 3));
  Commit(first, 1'000);
  // Streaming partials grow (tokens only), and an earlier line of event 5
  // arrives from another file (its attributes win), in later transactions.
  std::vector<Event> grown;
  for (int i = 0; i < 20; i += 2) grown.push_back(MakeEvent(i, 172));
  Commit(grown, 2'000);
  Event earlier = MakeEvent(5, 1);
  earlier.first.timestamp_ms -= 30'000;
  earlier.attributes.cwd = "/elsewhere";
  earlier.attributes.git_branch = "feature";
  earlier.attributes.is_sidechain = true;
  Commit({earlier}, 3'000);
  const auto [lo, hi] = cache_.covered();
  EXPECT_EQ(hi - lo, 20 + 10 + 1);
  ExpectServedAsTheLedgerHoldsIt(lo, hi - 1);
  // Any sub-range too, including ones made only of replaced rows.
  ExpectServedAsTheLedgerHoldsIt(lo, lo + 9);
  ExpectServedAsTheLedgerHoldsIt(lo + 5, hi - 3);
  uint64_t rows = 0;
  FromLedger(lo, hi - 1, &rows);
  EXPECT_EQ(rows, 20u);  // Replaced states are not sent twice.
}

TEST_F(OutboxRowCacheTest, ARangeWithAnotherConnectionsChangesIsNotServed) {
  Commit({MakeEvent(1, 3), MakeEvent(2, 3)});
  const int64_t before_gap = cache_.covered().second;
  {
    // The OpenTelemetry receiver's connection in `run`: not tapped. Two
    // requests no transcript has: two events of its own.
    auto companion = TelemetryStore::Open(path_);
    ASSERT_TRUE(companion.ok());
    TelemetryBatch t;
    for (int i : {3, 4}) {
      TelemetryRequest r;
      r.request_id = "req_" + std::to_string(i);
      r.key = r.request_id;
      r.model = "claude-sonnet-4-20250514";
      r.tokens.output = 3;
      r.event_ms = kStart + i * 60'000;
      t.requests.push_back(r);
    }
    ASSERT_TRUE((*companion)->CommitTelemetry(t, "host-a", 1'500).ok());
  }
  Commit({MakeEvent(5, 3)});
  const auto [lo, hi] = cache_.covered();
  EXPECT_EQ(lo, before_gap + 2);  // Started afresh after the gap.
  std::string body;
  EXPECT_FALSE(cache_.AppendRange(before_gap - 2, hi - 1, body).has_value());
  EXPECT_FALSE(
      cache_.AppendRange(before_gap, before_gap + 1, body).has_value());
  EXPECT_TRUE(body.empty());
  ExpectServedAsTheLedgerHoldsIt(lo, hi - 1);
}

TEST_F(OutboxRowCacheTest, ARepriceLeavesAGapSoItsRowsComeFromTheLedger) {
  Commit({MakeEvent(1, 3), MakeEvent(2, 3)});
  const int64_t before = cache_.covered().second;
  // Sonnet 4 at twice its output price: both rows take new change numbers
  // in a transaction the tap does not see.
  PriceTable doubled = PriceTable::Embedded();
  Result<PriceTable> mine = PriceTable::Parse(R"({
    "format": "context-cleaner-prices/1", "version": "doubled",
    "models": [
      {"id": "claude-sonnet-4-20250514", "prices": [{"effective_from":
        "2025-01-01", "input": 3, "output": 30, "cache_write_5m": 3.75,
        "cache_write_1h": 6, "cache_read": 0.3}]}]})",
                                              "test prices");
  ASSERT_TRUE(mine.ok()) << mine.status().message();
  doubled.Overlay(*mine);
  ledger_->SetPrices(&doubled);
  Result<RepriceStats> r = ledger_->Reprice();
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->events_changed, 2u);
  Commit({MakeEvent(3, 3)});
  const auto [lo, hi] = cache_.covered();
  EXPECT_EQ(lo, before + 2);
  std::string body;
  EXPECT_FALSE(cache_.AppendRange(before, before + 1, body).has_value());
  ExpectServedAsTheLedgerHoldsIt(lo, hi - 1);
  ledger_->SetPrices(&PriceTable::Embedded());
}

TEST_F(OutboxRowCacheTest, MoreThanItMayHoldStartsAfreshAfterIt) {
  OutboxRowCache small("alice", 4'000);  // About 15 rows.
  ledger_->SetOutboxTap(&small);
  std::vector<Event> events;
  for (int i = 0; i < 10; ++i) events.push_back(MakeEvent(i, 3));
  Commit(events);
  EXPECT_EQ(small.covered().second - small.covered().first, 10);
  events.clear();
  for (int i = 10; i < 20; ++i) events.push_back(MakeEvent(i, 3));
  Commit(events);  // 20 rows would not fit.
  const auto [lo, hi] = small.covered();
  EXPECT_EQ(lo, hi);
  EXPECT_EQ(small.bytes(), 0u);
  std::string body;
  EXPECT_FALSE(small.AppendRange(lo - 20, lo - 1, body).has_value());
  Commit({MakeEvent(30, 3)});
  EXPECT_EQ(small.covered().second - small.covered().first, 1);
  ledger_->SetOutboxTap(&cache_);
}

TEST_F(OutboxRowCacheTest, ReleaseForgetsWhatClickHouseHas) {
  std::vector<Event> events;
  for (int i = 0; i < 10; ++i) events.push_back(MakeEvent(i, 3));
  Commit(events);
  const auto [lo, hi] = cache_.covered();
  const size_t full = cache_.bytes();
  cache_.Release(lo + 4);
  EXPECT_EQ(cache_.covered().first, lo + 5);
  EXPECT_LT(cache_.bytes(), full);
  std::string body;
  EXPECT_FALSE(cache_.AppendRange(lo, hi - 1, body).has_value());
  ExpectServedAsTheLedgerHoldsIt(lo + 5, hi - 1);
  cache_.Release(hi + 100);
  EXPECT_EQ(cache_.bytes(), 0u);
  Commit({MakeEvent(50, 3)});  // Goes on from where it was.
  EXPECT_EQ(cache_.covered().first, hi);
}

TEST_F(OutboxRowCacheTest, ATransactionThatRolledBackIsNeverSeen) {
  Commit({MakeEvent(1, 3)});
  const auto before = cache_.covered();
  // The checkpoint write fails after the event was written: all rolls back.
  ExecSql(path_,
          "CREATE TRIGGER no_files BEFORE INSERT ON files BEGIN "
          "SELECT RAISE(ABORT, 'disk on fire'); END;");
  Batch b;
  b.events = {MakeEvent(2, 3)};
  b.checkpoints.push_back(Checkpoint{});
  b.checkpoints.back().path = "/t.jsonl";
  ASSERT_FALSE(ledger_->Commit(b, "host-a", 2'000).ok());
  EXPECT_EQ(cache_.covered(), before);
  ExecSql(path_, "DROP TRIGGER no_files");
  // The change number the failed try used is used again, for another row.
  Commit({MakeEvent(3, 3)});
  EXPECT_EQ(cache_.covered().first, before.first);
  EXPECT_EQ(cache_.covered().second, before.second + 1);
  ExpectServedAsTheLedgerHoldsIt(before.first, cache_.covered().second - 1);
}

TEST_F(OutboxRowCacheTest, AFreshLedgerObjectContinuesTheRun) {
  Commit({MakeEvent(1, 3)});
  const auto before = cache_.covered();
  ledger_->SetOutboxTap(nullptr);
  ledger_.reset();
  auto l = LedgerWriter::Open(path_, "test");
  ASSERT_TRUE(l.ok());
  ledger_ = std::move(*l);
  ledger_->SetOutboxTap(&cache_);
  Commit({MakeEvent(2, 3)});
  EXPECT_EQ(cache_.covered().first, before.first);
  ExpectServedAsTheLedgerHoldsIt(before.first, cache_.covered().second - 1);
}

}  // namespace
}  // namespace cc
