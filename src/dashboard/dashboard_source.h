// DashboardSource: where the dashboard's data comes from, and how it learns
// that the data changed. Two: this machine's ledger (LedgerSource: inotify
// + SQLite's data_version, so an idle dashboard does nothing) and the
// team's ClickHouse (ClickHouseSource: a cheap query every few seconds, as
// nothing pushes changes from a remote server).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "dashboard/snapshot.h"
#include "ledger/ledger_types.h"

namespace cc {

class DashboardSource {
 public:
  virtual ~DashboardSource() = default;
  // Reads a fresh snapshot (version left 0 for the caller to number).
  virtual Result<std::shared_ptr<DashboardSnapshot>> Load(int64_t now_ms) = 0;
  // A session's requests in time order, at most `limit`. Thread-safe.
  virtual Result<std::vector<SessionEvent>> SessionEvents(
      const std::string& session_id, size_t limit) = 0;
  // Blocks until the data may have changed (true) or `stop_fd` is readable
  // (false). Called from one thread only, the one that calls Load.
  virtual bool WaitForChange(int stop_fd) = 0;
};

// This machine's ledger, read-only. `shipping_configured`: show the
// shipping state even before the first shipment.
Result<std::unique_ptr<DashboardSource>> OpenLedgerSource(
    const std::string& ledger_path, bool shipping_configured);

}  // namespace cc
