// The statusline's `budget` segment: of the configured budgets, the one
// nearest its limit (the highest share of it spent in its current
// period), as "daily $12.40/20 62%" or "block 1.2M/5.0M tok 24%".
// Pure: the statuses are read by the caller (budget/budget_status.h,
// a handful of indexed reads).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "budget/budget_status.h"

namespace cc {

struct BudgetSegment {
  // How it is coloured on a terminal: below the budget's first threshold,
  // from it (or on pace to end the period over the limit), at or over the
  // limit.
  enum class Level { kUnder, kWarn, kOver };
  std::string text;  // Escaped (TerminalSafe): a budget's name is data.
  Level level = Level::kUnder;
};

// Nothing when no budget counts now: none configured, an inactive block
// budget, or every one with a problem (its project not in the ledger).
std::optional<BudgetSegment> BudgetSegmentOf(const std::vector<BudgetStatus>& statuses);

// The one shown: the active budget without a problem with the highest
// percentage, the first of equals; null when there is none.
const BudgetStatus* MostUsedBudget(const std::vector<BudgetStatus>& statuses);

}  // namespace cc
