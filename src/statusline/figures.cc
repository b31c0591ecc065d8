#include "statusline/figures.h"

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

Result<StatuslineFigures> QueryFigures(LedgerReader& reader,
                                       const std::string& session_id,
                                       int64_t day_start_ms, int64_t now_ms) {
  StatuslineFigures out;
  if (!session_id.empty()) {
    Result<SessionTotals> s = reader.SessionTotalsOf(session_id);
    if (!s.ok()) return s.status();
    out.session = *s;
  }
  const int64_t day_start = day_start_ms;
  // One read serves today and the block when the block's lookback starts
  // after midnight; otherwise the lookback widens until it is proven.
  int64_t lookback = 12 * 3600 * 1000LL;
  while (true) {
    const int64_t since = std::min(day_start, now_ms - lookback);
    Result<UsageData> data = reader.RecentUsage(since);
    if (!data.ok()) return data.status();
    bool proven = false;
    std::optional<BlockFigures> block = ActiveBlockOf(*data, since, now_ms, &proven);
    if (proven || lookback >= kBlockLookbackMs) {
      out.block = block;
      UsageTotals today;
      for (const UsageRow& r : data->rows) {
        if (r.bucket_start_ms >= day_start) today.Add(r);
      }
      out.today = today;
      return out;
    }
    lookback *= 4;
  }
}

}  // namespace cc
