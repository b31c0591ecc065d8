#include "statusline/figures.h"

#include <algorithm>

namespace cc {

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
