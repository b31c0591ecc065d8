#include "report/active_block.h"

#include <algorithm>
#include <vector>

namespace cc {
namespace {

// Whether a request-free span of kBlockMs lies between `since_ms` and the
// last request before `now_ms - kBlockMs` (after it, any block is the
// report's, whatever came before `since_ms`).
bool HasBoundary(const UsageData& data, int64_t since_ms) {
  std::vector<std::pair<int64_t, int64_t>> spans;
  spans.reserve(data.rows.size());
  for (const UsageRow& r : data.rows) spans.emplace_back(r.first_ms, r.last_ms);
  std::sort(spans.begin(), spans.end());
  int64_t last = since_ms;
  for (const auto& [first, end] : spans) {
    if (first - last >= kBlockMs) return true;
    last = std::max(last, end);
  }
  return false;
}

}  // namespace

std::optional<BlockFigures> ActiveBlockOf(const UsageData& data,
                                          int64_t since_ms, int64_t now_ms,
                                          bool* proven) {
  *proven = data.rows.empty() || HasBoundary(data, since_ms);
  // No request in the last 5 hours: no active block, whatever came before.
  int64_t latest = INT64_MIN;
  for (const UsageRow& r : data.rows) latest = std::max(latest, r.last_ms);
  if (data.rows.empty() || now_ms - latest >= kBlockMs) {
    *proven = true;
    return std::nullopt;
  }
  ReportSpec spec;
  spec.kind = ReportKind::kBlocks;
  spec.now_ms = now_ms;
  spec.active_only = true;
  UsageReport report = BuildReport(data, spec);
  for (const ReportRow& row : report.rows) {
    if (!row.is_active) continue;
    BlockFigures b;
    b.start_ms = row.start_ms;
    b.end_ms = row.end_ms;
    b.totals = row.totals;
    if (report.burn_rate) b.cost_per_hour = report.burn_rate->cost_per_hour;
    return b;
  }
  return std::nullopt;
}

}  // namespace cc
