#include "budget/budget_status.h"

namespace cc {

Result<std::vector<BudgetStatus>> ReadBudgetStatus(
    LedgerReader&, const std::vector<Budget>& budgets, const AlertSettings&,
    const BudgetCalendar& calendar, int64_t now_ms, const ProjectLookup&) {
  std::vector<BudgetStatus> out;
  for (const Budget& b : budgets) {
    BudgetStatus s;
    s.budget = b;
    s.unit = b.unit();
    s.limit = b.limit();
    if (b.period != BudgetPeriod::kBlock) {
      s.period = CalendarPeriodAt(b.period, calendar, now_ms);
      s.period_start = PeriodStartLabel(s.period, calendar);
    } else {
      s.active = false;
    }
    out.push_back(std::move(s));
  }
  return out;
}

bool AnyOverBudget(const std::vector<BudgetStatus>& statuses) {
  for (const BudgetStatus& s : statuses) {
    if (s.over()) return true;
  }
  return false;
}

}  // namespace cc
