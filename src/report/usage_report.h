// UsageReport: the ledger's rollup rows grouped the way a person asks:
// by local day, week or month, by session, or into Claude's 5-hour blocks.
// Pure computation over UsageRow values; rendering is in report_render.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/ledger_reader.h"
#include "time/time_zone.h"

namespace cc {

enum class ReportKind { kDaily, kWeekly, kMonthly, kSession, kBlocks };

// Sums over events; cost is exact (nano-dollars) and complete only when
// no event lacked a price.
struct UsageTotals {
  Tokens tokens;
  int64_t cost_nano = 0;
  uint64_t events = 0;
  uint64_t unpriced_events = 0;

  void Add(const UsageRow& row);
  void Add(const UsageTotals& other);
};

// One line of a report: a day ("2025-09-03"), a week (its first day), a
// month ("2025-09"), a session (its id) or a block (its start).
struct ReportRow {
  std::string label;
  UsageTotals totals;
  std::map<std::string, UsageTotals> by_model;
  int64_t first_ms = INT64_MAX;  // First and last event.
  int64_t last_ms = INT64_MIN;
  std::string project;  // Sessions, --instances: the project's folder.

  // Blocks only.
  bool is_gap = false;
  bool is_active = false;
  int64_t start_ms = 0;  // Floored to the hour.
  int64_t end_ms = 0;    // start + 5 h (a gap: when the next block starts).
  // The official 5-hour window that overlaps the block most, where the
  // statusline saw one (report/limits_report.h): its peak % and reset.
  std::optional<RateLimitWindow> official;
};

struct BurnRate {
  double tokens_per_minute = 0;
  double tokens_per_minute_for_indicator = 0;  // Input + output only.
  double cost_per_hour = 0;                    // Dollars.
};

struct Projection {
  uint64_t total_tokens = 0;
  double total_cost = 0;  // Dollars.
  int64_t remaining_minutes = 0;
};

struct UsageReport {
  ReportKind kind = ReportKind::kDaily;
  bool by_project = false;  // ReportSpec::by_project.
  std::vector<ReportRow> rows;
  UsageTotals totals;
  std::set<std::string> unpriced_models;
  // Blocks: the active block's rates and projection, when there is one
  // and it has run long enough to have a pace (kMinRateWindowMs).
  std::optional<BurnRate> burn_rate;
  std::optional<Projection> projection;
  // Blocks: the most tokens a finished block used, among those the dates
  // and --recent kept (before --active): --token-limit max.
  uint64_t largest_block_tokens = 0;
  // When the ledger holds telemetry: events whose tokens telemetry
  // confirmed, and all events, in the report's selection. The rest are
  // lower bounds (a transcript may hold only a streaming partial).
  std::optional<std::pair<uint64_t, uint64_t>> exact_events;
};

struct ReportSpec {
  ReportKind kind = ReportKind::kDaily;
  TimeZone zone = TimeZone::Utc();
  int start_of_week = 0;  // 0 = Sunday ... 6 = Saturday.
  bool descending = false;
  // Days, weeks, months: a row per project and period (ccusage's daily
  // --instances), grouped by project (folder order), periods in order.
  bool by_project = false;
  int64_t now_ms = 0;  // For the active block.
  // Blocks are built from every event, then kept whole when their start's
  // local day is in this range (inclusive; unset = unbounded).
  std::optional<int64_t> since_day;
  std::optional<int64_t> until_day;
  // Blocks: only those started in the last kRecentMs or active (ccusage's
  // --recent); only the active one (--active).
  bool recent_only = false;
  bool active_only = false;
};

constexpr int64_t kBlockMs = 5 * 3600 * 1000;
constexpr int64_t kRecentMs = 3 * 24 * 3600 * 1000LL;  // ccusage: 3 days.
// The active block's pace is its usage over the time from its first request
// to now; under 10 minutes of that there is too little to extrapolate from
// (6 requests in 16 s would "project" hundreds of dollars), so there is no
// burn rate and no projection yet.
constexpr int64_t kMinRateWindowMs = 10 * 60 * 1000;

// Claude Code's placeholder model for messages it made up itself (an
// interrupted request, an API error). Its requests count in every total;
// like ccusage, reports do not list it as a model.
inline bool IsSyntheticModel(std::string_view model) {
  return model == "<synthetic>";
}

UsageReport BuildReport(const UsageData& data, const ReportSpec& spec);

// Local-day label helpers, shared with the renderers and the CLI.
std::string WeekLabel(int64_t local_day, int start_of_week);
std::string MonthLabel(int64_t local_day);

}  // namespace cc
