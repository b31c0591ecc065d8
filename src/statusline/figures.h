// StatuslineFigures: what the ledger says for one statusline render: the
// session's totals, today's cost and the current 5-hour block, each from
// an indexed read (the session by events_by_session; today and the block
// from the rollup's time range), so a million-event ledger costs the same
// as an empty one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "budget/budget_status.h"
#include "core/result.h"
#include "ledger/ledger_reader.h"
#include "report/active_block.h"
#include "report/usage_report.h"

namespace cc {

struct StatuslineFigures {
  std::optional<SessionTotals> session;  // Unset: no session id given.
  std::optional<UsageTotals> today;      // Since day_start_ms.
  std::optional<BlockFigures> block;     // Unset: no active block.
  // The config's budgets now (budget/budget_status.h), read by the caller
  // when the budget segment shows; empty otherwise.
  std::vector<BudgetStatus> budgets;
};

// The block rules are `report blocks`' (report/active_block.h).
// `day_start_ms`: when today began in the user's zone (the caller picks the
// zone: finding the system zone's name walks all of /usr/share/zoneinfo).
Result<StatuslineFigures> QueryFigures(LedgerReader& reader,
                                       const std::string& session_id,
                                       int64_t day_start_ms, int64_t now_ms);

}  // namespace cc
