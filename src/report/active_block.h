// The active 5-hour block: the block `report blocks` marks active, found
// from the rollup rows of the last hours only (the statusline, budgets).
#pragma once

#include <cstdint>
#include <optional>

#include "ledger/ledger_reader.h"
#include "report/usage_report.h"

namespace cc {

struct BlockFigures {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  UsageTotals totals;
  std::optional<double> cost_per_hour;  // Dollars; after kMinRateWindowMs.
};

// Rows are read back from now far enough to start at a proven block
// boundary (5 hours with no request), at most kBlockLookbackMs.
inline constexpr int64_t kBlockLookbackMs = 7 * 24 * 3600 * 1000LL;

// The active block of `data` (rows from `since_ms` on) as `report blocks`
// builds it, when `since_ms` is a proven boundary of `data`: `data` has a
// silence of 5 hours (from `since_ms` or between requests) before the
// active block. nullopt in `*proven` when it is not; false when proven
// and there is no active block.
std::optional<BlockFigures> ActiveBlockOf(const UsageData& data,
                                          int64_t since_ms, int64_t now_ms,
                                          bool* proven);

}  // namespace cc
