// LimitsReport: the official plan limits as history (`report limits`).
// Each 5-hour and 7-day window the statusline saw (ledger/rate_limits.h),
// its peak official percentage, and the tokens and dollars the ledger
// counted inside it; from those, what 1 % of the window cost this user.
// Pure computation and rendering; cli/ reads the ledger.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger_reader.h"
#include "ledger/rate_limits.h"
#include "report/usage_report.h"
#include "time/time_zone.h"

namespace cc {

struct LimitWindowRow {
  RateLimitWindow window;
  RangeTotals totals;  // Events in [window.start_ms(), window.end_ms()).
  bool active = false;  // Not reset yet: its peak may still grow.
  // totals / peak %: omitted when the peak is 0 (nothing to divide by).
  std::optional<double> tokens_per_percent;
  std::optional<double> dollars_per_percent;
};

struct LimitsReport {
  std::vector<LimitWindowRow> rows;  // In the order asked for.
  std::optional<std::string> source;  // --source, else all machines.
};

// The row of `window` with `totals` counted inside it, at `now_ms`.
LimitWindowRow LimitRowOf(const RateLimitWindow& window,
                          const RangeTotals& totals, int64_t now_ms);

// Gives each block of a blocks report (not gaps) the official 5-hour
// window of `windows` that overlaps it most (ReportRow::official); 7-day
// windows are ignored.
void AttachOfficialWindows(const std::vector<RateLimitWindow>& windows,
                           UsageReport* report);

struct LimitsRenderOptions {
  TimeZone zone = TimeZone::Utc();
  bool color = false;
  size_t width = 120;
  int64_t now_ms = 0;
};

// {"limits": [{"window": "five_hour", "startTime", "resetsAt" (ISO),
// "resetsAtEpoch", "isActive", "peakPercentage", "readings", "firstSeen",
// "lastSeen", token fields, "totalTokens", "costUSD", "events",
// "unpricedEvents", "tokensPerPercent", "costUSDPerPercent" (null when
// the peak is 0)}], "source": name or null, "timezone"}.
std::string LimitsJson(const LimitsReport& report,
                       const LimitsRenderOptions& opt);

// A table: window, start, reset, peak %, requests, tokens, cost, and per 1 %.
std::string LimitsTable(const LimitsReport& report,
                        const LimitsRenderOptions& opt);

}  // namespace cc
