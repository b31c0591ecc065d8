// The record bounds' arithmetic: at kMaxLedgerEvents events with every
// token field at kMaxTokenCount, no sum the ledger, the rollup, a report,
// /metrics or ClickHouse computes leaves its type; one event more and the
// total of all token kinds could.
#include "core/record_bounds.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "core/tokens.h"
#include "price/price_table.h"

namespace cc {
namespace {

TEST(RecordBounds, OneTokenFieldSummedOverTheLargestLedgerFitsInt64) {
  // SQLite's SUM(), the rollup's int64 cells, ClickHouse's sum().
  EXPECT_LE(kMaxLedgerEvents, uint64_t{INT64_MAX} / kMaxTokenCount);
  EXPECT_EQ(kMaxTokenCount, uint64_t{1'099'511'627'776});
}

TEST(RecordBounds, TheTotalOfFourKindsOverTheLargestLedgerFitsUint64) {
  // Tokens::Total() of an event at the bound, summed in uint64 (reports,
  // the dashboard, sync-status).
  Tokens max_event;
  max_event.input = max_event.output = kMaxTokenCount;
  max_event.cache_creation = max_event.cache_read = kMaxTokenCount;
  EXPECT_EQ(max_event.Total(), 4 * kMaxTokenCount);
  EXPECT_LE(kMaxLedgerEvents, UINT64_MAX / max_event.Total());
  // One event more could wrap: the limit is the largest that cannot.
  EXPECT_GT(kMaxLedgerEvents + 1, UINT64_MAX / max_event.Total());
  EXPECT_EQ(kMaxLedgerEvents, uint64_t{4'194'303});
}

TEST(RecordBounds, CostSummedOverTheLargestLedgerFitsInt64) {
  // Every event's cost is capped (price/price_table.h), below 2^40
  // nano-dollars, so cost sums are covered by the token-field argument.
  EXPECT_LT(static_cast<uint64_t>(kMaxRequestCostNano), kMaxTokenCount);
  EXPECT_LE(kMaxLedgerEvents,
            uint64_t{INT64_MAX} / static_cast<uint64_t>(kMaxRequestCostNano));
  // And the cap holds at the bound (every field at 2^40, fast mode).
  Tokens t;
  t.input = t.output = t.cache_creation = t.cache_read = kMaxTokenCount;
  t.cache_creation_1h = kMaxTokenCount;
  t.web_search_requests = t.web_fetch_requests = kMaxTokenCount;
  const Cost c = PriceTable::Embedded().CostOf(
      CostInput{t, "claude-opus-4-6", "fast", 1'767'225'600'000});
  ASSERT_TRUE(c.known);
  EXPECT_EQ(c.nano, kMaxRequestCostNano);
}

}  // namespace
}  // namespace cc
