// DashboardSource: where the dashboard's data comes from, and how it learns
// that the data changed. Two: this machine's ledger (LedgerSource: inotify
// + SQLite's data_version, so an idle dashboard does nothing) and the
// team's ClickHouse (ClickHouseSource: a cheap query every few seconds, as
// nothing pushes changes from a remote server).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "budget/budget_status.h"
#include "core/result.h"
#include "dashboard/snapshot.h"
#include "ledger/ledger_reader.h"

namespace cc {

// The budgets a dashboard shows (the config's, as the CLI reads them) and
// how their periods and projects are laid out.
struct DashboardBudgets {
  std::vector<Budget> budgets;
  AlertSettings alerts;
  BudgetCalendar calendar;
  ProjectLookup projects;
};

class DashboardSource {
 public:
  virtual ~DashboardSource() = default;
  // Reads a fresh snapshot (version left 0 for the caller to number).
  virtual Result<std::shared_ptr<DashboardSnapshot>> Load(int64_t now_ms) = 0;
  // A session's requests in time order, at most `limit`. Thread-safe.
  virtual Result<std::vector<SessionEvent>> SessionEvents(
      const std::string& session_id, size_t limit) = 0;
  // Each budget's status at `now_ms` (budget/budget_status.h). Thread-safe.
  // NotSupported where the data has no budgets of its own (ClickHouse:
  // each machine's ledger evaluates its budgets).
  virtual Result<std::vector<BudgetStatus>> BudgetStatuses(const DashboardBudgets& budgets,
                                                           int64_t now_ms) {
    (void)budgets;
    (void)now_ms;
    return Status::NotSupported(
        "budgets are evaluated on each machine's ledger: open the dashboard there");
  }
  enum class Change {
    kStopped,    // `stop_fd` is readable.
    kData,       // The data may have changed: Load again.
    kHeartbeat,  // Only a running sync's heartbeat moved: RefreshLiveness.
  };
  // Blocks until something changed or `stop_fd` is readable. Called from
  // one thread only, the one that calls Load and RefreshLiveness.
  virtual Change WaitForChange(int stop_fd) = 0;
  // `current` with its liveness (the last run's heartbeat) read afresh: a
  // heartbeat changes no figure, so it costs one small read, and the page
  // is not told to fetch again.
  virtual Result<std::shared_ptr<DashboardSnapshot>> RefreshLiveness(
      const DashboardSnapshot& current) {
    return std::make_shared<DashboardSnapshot>(current);
  }
};

// This machine's ledger, read-only. `shipping_configured`: show the
// shipping state even before the first shipment.
Result<std::unique_ptr<DashboardSource>> OpenLedgerSource(
    const std::string& ledger_path, bool shipping_configured);

}  // namespace cc
