#include "budget/budget_measure.h"

#include <algorithm>

#include "ledger/rollup.h"
#include "report/active_block.h"

namespace cc {

int64_t SpendWindowStart(const std::vector<Budget>& budgets,
                         const BudgetCalendar& calendar, bool anomaly,
                         int64_t now_ms) {
  int64_t start = INT64_MAX;
  if (anomaly) {
    start = CalendarPeriodAt(BudgetPeriod::kDay, calendar, now_ms).start_ms;
  }
  for (const Budget& b : budgets) {
    start = std::min(start, b.period == BudgetPeriod::kBlock
                                ? now_ms - kBlockLookbackMs
                                : CalendarPeriodAt(b.period, calendar, now_ms).start_ms);
  }
  return start == INT64_MAX ? now_ms : RollupBucket(start) * kRollupBucketMs;
}

std::optional<double> ProjectSpend(double spent, const PeriodSpan& period,
                                   int64_t now_ms) {
  const int64_t elapsed = now_ms - period.start_ms;
  const double share = static_cast<double>(elapsed) /
                       static_cast<double>(period.length_ms());
  if (elapsed < kProjectionMinElapsedMs || share < kProjectionMinShare) {
    return std::nullopt;
  }
  if (now_ms >= period.end_ms) return spent;
  return spent / share;
}

BudgetMeasure MeasureBudget(const Budget& budget, const SpendFilter& filter,
                            const SpendCache& cache,
                            const BudgetCalendar& calendar,
                            const std::optional<PeriodSpan>& block,
                            int64_t now_ms) {
  BudgetMeasure m;
  if (budget.period == BudgetPeriod::kBlock) {
    if (!block) {
      m.active = false;
      return m;
    }
    m.period = *block;
  } else {
    m.period = CalendarPeriodAt(budget.period, calendar, now_ms);
  }
  const SpendSums sums = cache.Sum(m.period.start_ms, m.period.end_ms, filter);
  m.spent = budget.in_tokens() ? static_cast<double>(sums.tokens) : sums.Dollars();
  m.percent = m.spent / budget.limit() * 100;
  m.projected = ProjectSpend(m.spent, m.period, now_ms);
  return m;
}

}  // namespace cc
