// The rollup must always equal the sums over the events table, whatever
// order events and their updates arrive in.
#include "ledger/rollup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "ledger/ledger_writer.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kStart = 1'756'857'600'000;  // 2025-09-03T00:00:00Z.

// How random records are spread: over `span_ms` from `start_ms`.
struct Spread {
  int64_t start_ms = kStart;
  int64_t span_ms = 3 * kDay;
};

Event RandomRecord(std::mt19937_64& rng, int key, const Spread& spread = {}) {
  Event e;
  e.key = "k" + std::to_string(key);
  e.tokens.input = rng() % 1000;
  e.tokens.output = rng() % 5000;
  e.tokens.cache_creation = rng() % 20000;
  e.tokens.cache_read = rng() % 100000;
  // Later copies of one key are sometimes earlier in time (and so move the
  // event's attributes, bucket and model).
  e.first = Provenance{
      spread.start_ms +
          static_cast<int64_t>(rng() % static_cast<uint64_t>(spread.span_ms)),
      "/f" + std::to_string(rng() % 3) + ".jsonl", rng() % 100};
  e.attributes.session_id = "s" + std::to_string(key % 7);
  e.attributes.project = "p" + std::to_string(key % 3);
  const char* models[] = {"claude-sonnet-4-20250514", "claude-opus-4-6",
                          "claude-mystery-1"};
  e.attributes.model = models[rng() % 3];
  return e;
}

struct Sums {
  uint64_t events = 0, unpriced = 0;
  Tokens tokens;
  int64_t cost = 0;
  int64_t first = INT64_MAX, last = INT64_MIN;
};

// What the rollup should say, computed by brute force from the final
// events (merged here, independently of the ledger).
std::map<std::string, Sums> Expected(const std::vector<Event>& records,
                                     const PriceTable& prices) {
  std::map<std::string, Event> events;
  for (const Event& r : records) {
    auto [it, inserted] = events.emplace(r.key, r);
    if (!inserted) it->second.Merge(r);
  }
  std::map<std::string, Sums> out;
  for (const auto& [key, e] : events) {
    const std::string row = std::to_string(RollupBucket(e.first.timestamp_ms)) +
                            "|" + e.attributes.project + "|" +
                            e.attributes.session_id + "|" + e.attributes.model;
    Sums& s = out[row];
    Cost c = prices.CostOf(
        CostInput{e.tokens, e.attributes.model, "", e.first.timestamp_ms});
    ++s.events;
    s.unpriced += c.known ? 0 : 1;
    s.tokens += e.tokens;
    s.cost += c.nano;
    s.first = std::min(s.first, e.first.timestamp_ms);
    s.last = std::max(s.last, e.first.timestamp_ms);
  }
  return out;
}

std::map<std::string, Sums> Actual(LedgerReader& ledger) {
  std::map<std::string, Sums> out;
  Result<UsageData> data = ledger.Usage(UsageFilter{});
  EXPECT_TRUE(data.ok()) << data.status().message();
  for (const UsageRow& u : data->rows) {
    const UsageDim& d = data->dim(u);
    const std::string row =
        std::to_string(u.bucket_start_ms / kRollupBucketMs) + "|" + d.project +
        "|" + d.session_id + "|" + d.model;
    Sums& s = out[row];
    s.events += u.events;
    s.unpriced += u.unpriced_events;
    s.tokens += u.tokens;
    s.cost += u.cost_nano;
    s.first = std::min(s.first, u.first_ms);
    s.last = std::max(s.last, u.last_ms);
  }
  return out;
}

void ExpectSame(const std::map<std::string, Sums>& want,
                const std::map<std::string, Sums>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (const auto& [row, w] : want) {
    auto it = got.find(row);
    ASSERT_NE(it, got.end()) << row;
    const Sums& g = it->second;
    EXPECT_EQ(w.events, g.events) << row;
    EXPECT_EQ(w.unpriced, g.unpriced) << row;
    EXPECT_EQ(w.tokens, g.tokens) << row;
    EXPECT_EQ(w.cost, g.cost) << row;
    EXPECT_EQ(w.first, g.first) << row;
    EXPECT_EQ(w.last, g.last) << row;
  }
}

// Commits `records` in batches of `batch` (merged by key within a batch,
// as a sync does) and checks the rollup against brute force, then against a
// rebuild.
void CheckArrivalOrder(uint64_t seed, int records_n, int keys, size_t batch,
                       const Spread& spread) {
  std::mt19937_64 rng(seed);
  std::vector<Event> records;
  for (int i = 0; i < records_n; ++i) {
    records.push_back(RandomRecord(
        rng, static_cast<int>(rng() % static_cast<uint64_t>(keys)), spread));
  }
  std::shuffle(records.begin(), records.end(), rng);
  test::TempDir dir;
  auto ledger = LedgerWriter::Open(dir.Join("l.db"), "test");
  ASSERT_TRUE(ledger.ok());
  for (size_t i = 0; i < records.size(); i += batch) {
    Batch b;
    std::map<std::string, Event> merged;
    for (size_t j = i; j < std::min(records.size(), i + batch); ++j) {
      auto [it, inserted] = merged.emplace(records[j].key, records[j]);
      if (!inserted) it->second.Merge(records[j]);
    }
    for (auto& [k, e] : merged) b.events.push_back(e);
    ASSERT_TRUE((*ledger)->Commit(b, "host", 1).ok());
  }
  const auto want = Expected(records, PriceTable::Embedded());
  SCOPED_TRACE("seed " + std::to_string(seed));
  ExpectSame(want, Actual((*ledger)->reader()));
  // A rebuild from the events gives the same rows.
  Result<RepriceStats> r = (*ledger)->Reprice();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->events_changed, 0u);
  ExpectSame(want, Actual((*ledger)->reader()));
}

TEST(Rollup, EqualsTheEventsInAnyArrivalOrder) {
  for (uint64_t seed : {1u, 2u, 3u}) CheckArrivalOrder(seed, 600, 150, 5, {});
}

TEST(Rollup, DenseUpdatesInOneHourKeepEveryRowsSpanExact) {
  // Many copies of few keys in a few rows: events leave and re-enter rows
  // within one batch, which is where a row's first/last time goes stale.
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    CheckArrivalOrder(seed, 60, 20, 6, Spread{kStart, 3'600'000});
  }
}

TEST(Rollup, TimesBefore1970AreBucketedByFloor) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    CheckArrivalOrder(seed, 40, 10, 4, Spread{-1'800'000, 3'600'000});
  }
}

TEST(Rollup, AFastLineArrivingLaterRepricesTheStoredEvent) {
  test::TempDir dir;
  auto ledger = LedgerWriter::Open(dir.Join("l.db"), "test");
  ASSERT_TRUE(ledger.ok());
  Event e;
  e.key = "f";
  e.tokens.output = 1000;  // Opus 4.6: $0.025; fast (6x): $0.15.
  e.attributes.model = "claude-opus-4-6";
  e.first = Provenance{kStart + 200 * kDay, "/f", 0};  // 2026-03-22.
  Batch b;
  b.events = {e};
  ASSERT_TRUE((*ledger)->Commit(b, "host", 1).ok());
  e.first.offset = 10;  // A later line of the same request says "fast".
  e.attributes.speed = kFastSpeed;
  b.events = {e};
  Result<CommitStats> c = (*ledger)->Commit(b, "host", 2);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->events_updated, 1u);
  Result<UsageData> data = (*ledger)->reader().Usage(UsageFilter{});
  ASSERT_TRUE(data.ok());
  ASSERT_EQ(data->rows.size(), 1u);
  EXPECT_EQ(data->rows[0].cost_nano, 150 * kNanoPerDollar / 1000);
}

TEST(Rollup, RepriceAppliesANewTableToHistory) {
  test::TempDir dir;
  auto ledger = LedgerWriter::Open(dir.Join("l.db"), "test");
  ASSERT_TRUE(ledger.ok());
  Event e;
  e.key = "a";
  e.tokens.input = 1'000'000;
  e.attributes.model = "claude-mystery-1";
  e.first = Provenance{kStart, "/f", 0};
  Batch b;
  b.events = {e};
  Result<CommitStats> c = (*ledger)->Commit(b, "host", 1);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->unpriced_models, std::set<std::string>{"claude-mystery-1"});
  Result<PriceTable> mine = PriceTable::Parse(R"({
    "format": "context-cleaner-prices/1", "version": "mine",
    "models": [{"id": "claude-mystery-1", "prices": [{"effective_from":
      "2025-01-01", "input": 2, "output": 0, "cache_write_5m": 0,
      "cache_write_1h": 0, "cache_read": 0}]}]})",
                                              "mine.json");
  ASSERT_TRUE(mine.ok());
  PriceTable table = PriceTable::Embedded();
  table.Overlay(*mine);
  (*ledger)->SetPrices(&table);
  Result<RepriceStats> r = (*ledger)->Reprice();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->events_changed, 1u);
  EXPECT_EQ(r->cost_after_nano, 2 * kNanoPerDollar);  // 1 MTok at $2.
  EXPECT_TRUE(r->unpriced_models.empty());
  Result<UsageData> data = (*ledger)->reader().Usage(UsageFilter{});
  ASSERT_TRUE(data.ok());
  ASSERT_EQ(data->rows.size(), 1u);
  EXPECT_EQ(data->rows[0].cost_nano, 2 * kNanoPerDollar);
  EXPECT_EQ(data->rows[0].unpriced_events, 0u);
  Result<std::vector<std::string>> versions = (*ledger)->reader().PriceVersions();
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(*versions, std::vector<std::string>{table.version()});
}

}  // namespace
}  // namespace cc
