#include "dashboard/snapshot.h"

#include <algorithm>
#include <cstdlib>

#include "report/usage_report.h"

namespace cc {

int64_t LastBlockStart(const UsageData& usage, int64_t now_ms) {
  ReportSpec spec;
  spec.kind = ReportKind::kBlocks;
  spec.now_ms = now_ms;
  UsageReport r = BuildReport(usage, spec);
  for (auto it = r.rows.rbegin(); it != r.rows.rend(); ++it) {
    if (!it->is_gap) return it->start_ms;
  }
  return INT64_MIN;
}

std::shared_ptr<const ProjectNames> ProjectNamesFor(
    const UsageData& usage, std::shared_ptr<const ProjectNames> previous,
    const std::function<Result<std::vector<ProjectCwd>>()>& read_cwds) {
  if (previous == nullptr) previous = std::make_shared<const ProjectNames>();
  const bool known = std::all_of(
      usage.dims.begin(), usage.dims.end(),
      [&previous](const UsageDim& d) { return previous->Has(d.project); });
  if (known) return previous;
  Result<std::vector<ProjectCwd>> cwds = read_cwds();
  if (!cwds.ok()) return previous;
  const char* home = std::getenv("HOME");
  return std::make_shared<const ProjectNames>(*cwds,
                                              home != nullptr ? home : "");
}

Result<std::shared_ptr<DashboardSnapshot>> LoadLedgerSnapshot(
    LedgerReader& ledger, int64_t now_ms, bool shipping_configured) {
  auto s = std::make_shared<DashboardSnapshot>();
  s->origin = "ledger";
  s->loaded_ms = now_ms;
  Result<UsageData> usage = ledger.Usage(UsageFilter{});
  if (!usage.ok()) return usage.status();
  s->usage = std::move(*usage);
  for (const UsageRow& u : s->usage.rows) {
    s->last_event_ms = std::max(s->last_event_ms.value_or(INT64_MIN), u.last_ms);
  }
  Result<LedgerSummary> health = ledger.SyncHealth();
  if (!health.ok()) return health.status();
  s->health = std::move(*health);
  Result<std::string> target = ledger.ShipTarget();
  if (shipping_configured || (target.ok() && !target->empty())) {
    Result<ShipState> ship = ledger.ShippingState();
    if (!ship.ok()) return ship.status();
    s->shipping = std::move(*ship);
  }
  if (s->health.telemetry_requests + s->health.telemetry_errors > 0) {
    Result<TelemetryOverview> t = ledger.TelemetryOverviewOf();
    if (!t.ok()) return t.status();
    s->telemetry = std::move(*t);
  }
  Result<std::vector<Reject>> rejects = ledger.RecentRejects(20);
  if (!rejects.ok()) return rejects.status();
  s->recent_rejects = std::move(*rejects);
  // A stat of every tracked file: what the monitor has yet to read.
  Result<Backlog> backlog = MeasureBacklog(ledger);
  if (!backlog.ok()) return backlog.status();
  s->backlog = *backlog;
  s->blocks_from_ms = LastBlockStart(s->usage, now_ms);
  Result<std::vector<RateLimitRow>> latest = ledger.LatestRateLimits();
  if (!latest.ok()) return latest.status();
  s->official_latest = std::move(*latest);
  RateLimitFilter recent;
  recent.since_ms = now_ms - kOfficialHistoryMs;
  Result<std::vector<RateLimitWindow>> windows = ledger.RateLimitWindows(recent);
  if (!windows.ok()) return windows.status();
  s->official_windows = std::move(*windows);
  return s;
}

}  // namespace cc
