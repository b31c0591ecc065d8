// MeasureBudget: a budget's current period, its spend there and where the
// current rate ends — the figures both the alerts (budget_evaluator.h)
// and the reports (budget_status.h) use, from a SpendCache.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "budget/budget_config.h"
#include "budget/budget_period.h"
#include "budget/spend_cache.h"

namespace cc {

// A projection needs this much of the period behind it: 10 % of it and
// at least 30 minutes (a day: 2 h 24 min; a week: 16.8 h; a block: 30
// min). Earlier, a few requests would "project" absurd sums.
inline constexpr double kProjectionMinShare = 0.10;
inline constexpr int64_t kProjectionMinElapsedMs = 30 * 60'000;

struct BudgetMeasure {
  bool active = true;  // False: a block budget with no active block.
  PeriodSpan period;
  double spent = 0;    // In the budget's unit.
  double percent = 0;  // Of the limit.
  // spent * period length / time elapsed, once kProjectionMin* allow.
  std::optional<double> projected;
};

// Where the cache must start for `budgets` (and, with `anomaly`, for
// today's anomaly check) at `now_ms`: the earliest current period's
// first quarter hour; a block budget reaches back kBlockLookbackMs.
int64_t SpendWindowStart(const std::vector<Budget>& budgets,
                         const BudgetCalendar& calendar, bool anomaly,
                         int64_t now_ms);

// The spend at the end of `period` at the rate since its start; nullopt
// before the minimum (kProjectionMin*).
std::optional<double> ProjectSpend(double spent, const PeriodSpan& period,
                                   int64_t now_ms);

// `block`: cache.ActiveBlock(now_ms), worked out once for all budgets.
BudgetMeasure MeasureBudget(const Budget& budget, const SpendFilter& filter,
                            const SpendCache& cache,
                            const BudgetCalendar& calendar,
                            const std::optional<PeriodSpan>& block,
                            int64_t now_ms);

}  // namespace cc
