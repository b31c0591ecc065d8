// Record bounds: what one usage record, from a transcript line or from
// Claude Code's telemetry, may say. A record outside them is rejected with
// a reason and never stored (docs/design.md, "Record bounds").
//
//  - Each token count is a whole number in [0, kMaxTokenCount]; a count
//    that is absent or null is 0.
//  - Its timestamp lies in [kEarliestRecordMs, now + kRecordAheadMs], "now"
//    being the reader's Clock (core/clock.h) when it reads the record. A
//    record dated more than a day ahead when read stays rejected (its line
//    is behind the checkpoint; a backfill reads it again).
//
// Pure functions and constants; no I/O.
#pragma once

#include <cstdint>

namespace cc {

// The largest token count a record may carry, per field (input, output,
// cache creation and its 5m/1h split, cache read, web search and web fetch
// requests). No real response comes near it (2^40 is 1.1 trillion tokens);
// it exists so that sums cannot overflow.
inline constexpr uint64_t kMaxTokenCount = uint64_t{1} << 40;

// The largest ledger whose sums are proven not to overflow, in events, with
// every token field of every event at kMaxTokenCount:
//
//  - One token field summed over events (the events and usage_rollup
//    columns, SQLite's SUM(), whose overflow is the error "integer
//    overflow"; the rollup's int64 cells; a report's, the dashboard's and
//    /metrics' per-kind totals; ClickHouse's sum() of a UInt64 column):
//    N * 2^40 <= 2^63 - 1 holds for N <= 2^23 - 1.
//  - An event's cost: price/price_table.h caps it at kMaxRequestCostNano,
//    10^12 nano-dollars < 2^40, so the int64 cost sums (SQLite, the rollup,
//    reports, ClickHouse's Int64 sum()) hold for N <= 2^23 - 1 as well.
//  - totalTokens (Tokens::Total(), input + output + cache creation + cache
//    read, at most 4 * 2^40 = 2^42 an event) summed in uint64 (reports,
//    the dashboard, sync-status, a sync's tokens_added): N * 2^42 <= 2^64 - 1
//    holds for N <= 2^22 - 1. This is the binding one.
//
// So a ledger of up to 2^22 - 1 = 4,194,303 events sums exactly whatever
// its records say; with real counts (under 2^21 tokens a field, a 2M-token
// context) the same arithmetic allows over 2^41 events. /metrics prints
// these sums as doubles (exact up to 2^53, rounded above, never overflowing).
// Two figures multiply a summed count by a rate outside the capped cost
// and could pass 2^63 at these extremes (about 620 events of 2^40
// cache-read tokens at $15 per million; a block of 2^40 tokens whose
// events are a millisecond apart): the dashboard's cache savings
// (dashboard/usage_views.cc) and a 5-hour block's projection
// (report/usage_report.cc). Both saturate instead of wrapping.
inline constexpr uint64_t kMaxLedgerEvents = (uint64_t{1} << 22) - 1;

static_assert(kMaxLedgerEvents * kMaxTokenCount <= uint64_t{INT64_MAX},
              "a token field's sum must fit SQLite's int64");
static_assert(kMaxLedgerEvents * 4 * kMaxTokenCount <= UINT64_MAX,
              "totalTokens' sum must fit uint64");
static_assert(kMaxLedgerEvents == UINT64_MAX / (4 * kMaxTokenCount),
              "kMaxLedgerEvents is the largest such count");

// 2023-01-01T00:00:00Z: before any Claude Code transcript or telemetry.
inline constexpr int64_t kEarliestRecordMs = 1'672'531'200'000;
// How far past "now" a record may be dated: clocks of machines that share
// a ledger (or a transcript directory) disagree by seconds, not days.
inline constexpr int64_t kRecordAheadMs = 24 * 60 * 60 * 1000;

inline constexpr const char* kTimestampTooEarly =
    "timestamp: before 2023-01-01T00:00:00Z";
inline constexpr const char* kTimestampTooLate =
    "timestamp: more than a day after now";

// Null when `timestamp_ms` is in the window; else why not (a short, stable
// reason, the same for every record so rejects group by it).
inline const char* TimestampOutsideWindow(int64_t timestamp_ms,
                                          int64_t now_ms) {
  if (timestamp_ms < kEarliestRecordMs) return kTimestampTooEarly;
  if (timestamp_ms - kRecordAheadMs > now_ms) return kTimestampTooLate;
  return nullptr;
}

}  // namespace cc
