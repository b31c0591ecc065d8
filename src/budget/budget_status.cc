#include "budget/budget_status.h"

#include <algorithm>
#include <tuple>

#include "budget/budget_measure.h"
#include "budget/spend_cache.h"
#include "ledger/fired_alerts.h"
#include "ledger/rollup.h"

namespace cc {
namespace {

// The budget alerts (threshold, projection) of `status`'s period, oldest
// first.
std::vector<Alert> AlertsOf(const BudgetStatus& status,
                            const std::vector<Alert>& fired) {
  std::vector<Alert> out;
  if (!status.active) return out;
  for (const Alert& a : fired) {
    if (a.kind != AlertKind::kAnomaly && a.budget == status.budget.name &&
        a.period_start_ms == status.period.start_ms) {
      out.push_back(a);
    }
  }
  // Thresholds in order, then the projection (one commit may fire several).
  std::stable_sort(out.begin(), out.end(), [](const Alert& x, const Alert& y) {
    const int xk = x.kind == AlertKind::kThreshold ? 0 : 1;
    const int yk = y.kind == AlertKind::kThreshold ? 0 : 1;
    return std::tie(x.fired_ms, xk, x.threshold_pct) <
           std::tie(y.fired_ms, yk, y.threshold_pct);
  });
  return out;
}

}  // namespace

Result<std::vector<BudgetStatus>> ReadBudgetStatus(
    LedgerReader& reader, const std::vector<Budget>& budgets,
    const AlertSettings& settings, const BudgetCalendar& calendar,
    int64_t now_ms, const ProjectLookup& projects) {
  (void)settings;  // The projection is shown whether or not it alerts.
  std::vector<BudgetStatus> out;
  if (budgets.empty()) return out;
  const int64_t window_start = SpendWindowStart(budgets, calendar, false, now_ms);
  SpendCache cache;
  BudgetProjects names(projects);
  std::vector<Alert> fired;
  Status s = reader.InReadTransaction([&](sql::Database& db) -> Status {
    if (Status ls = cache.Load(db, RollupBucket(window_start)); !ls.ok()) return ls;
    if (Status ns = names.Update(db, budgets, cache.pairs_seen()); !ns.ok()) return ns;
    Result<std::vector<Alert>> alerts = ReadAlertsSince(db, window_start);
    if (!alerts.ok()) return alerts.status();
    fired = std::move(*alerts);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  const std::optional<PeriodSpan> block = cache.ActiveBlock(now_ms);
  for (size_t i = 0; i < budgets.size(); ++i) {
    const Budget& b = budgets[i];
    const BudgetMeasure m =
        MeasureBudget(b, names.filter(i), cache, calendar, block, now_ms);
    BudgetStatus st;
    st.budget = b;
    st.unit = b.unit();
    st.limit = b.limit();
    st.active = m.active;
    if (m.active) {
      st.period = m.period;
      st.period_start = PeriodStartLabel(m.period, calendar);
    }
    st.spent = m.spent;
    st.percent = m.percent;
    st.projected = m.projected;
    st.problem = names.problem(i);
    st.alerts = AlertsOf(st, fired);
    out.push_back(std::move(st));
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
