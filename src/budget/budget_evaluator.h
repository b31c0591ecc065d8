// BudgetEvaluator: the budgets' alerts, fired inside the commit that
// crosses them (a ledger CommitHook, ledger/commit_hook.h), so that the
// record of an alert commits with the events that caused it: a crash
// (kill -9) neither repeats nor loses one (docs/budgets.md).
//
// In every writing transaction that changed usage inside a current
// period, for each budget: its spend in the current period (the cache
// SpendCache keeps between commits, re-reading the quarter hours the
// transaction changed), then
//   - a threshold alert for each threshold reached
//     ("threshold:<budget>:<period start>:<pct>"),
//   - a projection alert when the period ends over the limit at the rate
//     since its start while the spend is still under it
//     ("projection:<budget>:<period start>:0"),
// and the anomaly alerts of the hour and the day (anomaly.h). Each is
// recorded once by its id (INSERT OR IGNORE) with a delivery row per
// retrying channel (webhook, command). A transaction that changed no
// usage in a current period (a backfill of history) costs a comparison.
//
// Thread safety: one evaluator per writing connection, used on its thread
// (the monitor's writer and the receiver's connection each get one).
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "budget/alert.h"
#include "budget/anomaly.h"
#include "budget/budget_config.h"
#include "budget/budget_period.h"
#include "budget/budget_projects.h"
#include "budget/spend_cache.h"
#include "ledger/commit_hook.h"

namespace cc {

class BudgetEvaluator final : public CommitHook {
 public:
  BudgetEvaluator(BudgetConfig config, BudgetCalendar calendar,
                  ProjectLookup projects);

  // Hears the alerts each committed transaction recorded (not those of a
  // rolled-back one), on the committing thread, after the commit.
  void SetOnFired(std::function<void(const std::vector<Alert>&)> on_fired) {
    on_fired_ = std::move(on_fired);
  }

  // True when there is anything to evaluate (budgets, or anomaly alerts).
  bool enabled() const;

  Status InTransaction(sql::Database& db, const CommitSummary& what,
                       int64_t now_ms) override;
  void AfterCommit(bool committed) override;

 private:
  // Whether the transaction changed usage at or after `window_start_ms`.
  static bool TouchesCurrentPeriods(const CommitSummary& what,
                                    int64_t window_start_ms);
  Status BringCacheUpToDate(sql::Database& db, const CommitSummary& what,
                            int64_t window_start_ms);
  void BudgetAlerts(int64_t now_ms, std::vector<Alert>* out);
  Alert BudgetAlert(const Budget& budget, AlertKind kind, int pct,
                    const PeriodSpan& period, double spent, double projected,
                    int64_t now_ms) const;
  Status Record(sql::Database& db, const std::vector<Alert>& alerts);

  const BudgetConfig config_;
  const BudgetCalendar calendar_;
  std::vector<std::string> channels_;  // Retrying channels configured.
  SpendCache cache_;
  BudgetProjects projects_;
  AnomalyWatch anomaly_;
  // The change sequence the cache reflects (CommitSummary); -1: none.
  int64_t cache_seq_ = -1;
  // Ids known to be in the ledger (saves an INSERT per commit per
  // threshold already reached); ids this transaction added, and its new
  // alerts, until it commits or rolls back.
  std::set<std::string> known_ids_;
  std::vector<std::string> pending_ids_;
  std::vector<Alert> pending_alerts_;
  std::function<void(const std::vector<Alert>&)> on_fired_;
};

}  // namespace cc
