// StatuslineFigures: what the ledger says for one statusline render: the
// session's totals, today's cost and the current 5-hour block, each from
// an indexed read (the session by events_by_session; today and the block
// from the rollup's time range), so a million-event ledger costs the same
// as an empty one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "ledger/ledger_reader.h"
#include "report/usage_report.h"

namespace cc {

struct BlockFigures {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  UsageTotals totals;
  std::optional<double> cost_per_hour;  // Dollars; after kMinRateWindowMs.
};

struct StatuslineFigures {
  std::optional<SessionTotals> session;  // Unset: no session id given.
  std::optional<UsageTotals> today;      // Since day_start_ms.
  std::optional<BlockFigures> block;     // Unset: no active block.
};

// The block rules are `report blocks`' (report/usage_report.h): the rollup
// is read back from `now_ms` far enough to start at a proven block
// boundary (5 hours with no request), at most kBlockLookbackMs.
inline constexpr int64_t kBlockLookbackMs = 7 * 24 * 3600 * 1000LL;

// `day_start_ms`: when today began in the user's zone (the caller picks the
// zone: finding the system zone's name walks all of /usr/share/zoneinfo).
Result<StatuslineFigures> QueryFigures(LedgerReader& reader,
                                       const std::string& session_id,
                                       int64_t day_start_ms, int64_t now_ms);

// The active block of `data` (rows from `since_ms` on) as `report blocks`
// builds it, when `since_ms` is a proven boundary of `data`: `data` has a
// silence of 5 hours (from `since_ms` or between requests) before the
// active block. nullopt in `*proven` when it is not; false when proven
// and there is no active block. Exposed for tests.
std::optional<BlockFigures> ActiveBlockOf(const UsageData& data,
                                          int64_t since_ms, int64_t now_ms,
                                          bool* proven);

}  // namespace cc
