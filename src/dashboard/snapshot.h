// DashboardSnapshot: everything the dashboard shows that comes from the
// ledger, read in one go and then shared, immutable, by every request
// until the ledger changes. Requests never touch SQLite for usage figures,
// so they cost milliseconds however large the ledger; the session
// drill-down is the one query per request (an indexed read).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alert/alert_queue.h"
#include "core/result.h"
#include "ledger/ledger_reader.h"
#include "report/project_names.h"
#include "sync/backlog.h"

namespace cc {

// How far back the dashboard lists official limit windows (/api/limits).
inline constexpr int64_t kOfficialHistoryMs = 35LL * 24 * 3600 * 1000;

struct DashboardSnapshot {
  uint64_t version = 0;     // Grows with every reload; the page's SSE id.
  int64_t loaded_ms = 0;
  std::string origin;       // "ledger" or "clickhouse".
  // The ledger's absolute path, or the ClickHouse URL (password redacted).
  std::string origin_target;
  UsageData usage;
  LedgerSummary health;     // Files, rejects, last run (no event totals).
  std::optional<ShipState> shipping;
  // The alerts' deliveries (ledger only; alert/alert_queue.h).
  std::optional<AlertDeliveryHealth> alert_deliveries;
  std::vector<Reject> recent_rejects;
  int64_t blocks_from_ms = INT64_MIN;  // See ViewOptions::blocks_from_ms.
  std::optional<int64_t> last_event_ms;
  std::optional<TelemetryOverview> telemetry;  // When any was received.
  std::optional<Backlog> backlog;  // Ledger only: bytes not yet read.
  // The official plan limits (ledger only; ledger/rate_limits.h): each
  // window kind's latest reading, and the windows of the last
  // kOfficialHistoryMs, latest first.
  std::vector<RateLimitRow> official_latest;
  std::vector<RateLimitWindow> official_windows;
  // How projects are shown (their paths); never null once loaded.
  std::shared_ptr<const ProjectNames> projects =
      std::make_shared<const ProjectNames>();
};

// Project names for `usage`: `previous` while it knows every project in
// it (reading them reads every event: not on every commit), else read
// afresh with `read_cwds` and $HOME. Names are cosmetic: when the read
// fails, `previous`.
std::shared_ptr<const ProjectNames> ProjectNamesFor(
    const UsageData& usage, std::shared_ptr<const ProjectNames> previous,
    const std::function<Result<std::vector<ProjectCwd>>()>& read_cwds);

// Reads a snapshot from a ledger connection (a reader's). The shipping
// state is read when shipping is configured here or has ever run.
Result<std::shared_ptr<DashboardSnapshot>> LoadLedgerSnapshot(
    LedgerReader& ledger, int64_t now_ms, bool shipping_configured = false);

// The current snapshot, swapped whole under a mutex.
class SnapshotHolder {
 public:
  std::shared_ptr<const DashboardSnapshot> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return snapshot_;
  }
  void Set(std::shared_ptr<const DashboardSnapshot> s) {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_ = std::move(s);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const DashboardSnapshot> snapshot_;
};

// The start of the last 5-hour block in `usage` (INT64_MIN when none).
int64_t LastBlockStart(const UsageData& usage, int64_t now_ms);

}  // namespace cc
