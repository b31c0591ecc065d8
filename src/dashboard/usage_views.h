// UsageViews: the dashboard's numbers, as pure functions of a snapshot of
// the ledger's rollup (UsageData), a time zone and "now". No I/O, so every
// figure the page shows is tested against hand-computed expectations.
//
// Rollup rows are UTC quarter hours; every zone in use is offset from UTC
// by a multiple of 15 minutes, so local hours, days, weeks and months are
// unions of whole rows and every figure here is exact.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/ledger_reader.h"
#include "price/price_table.h"
#include "report/project_names.h"
#include "report/usage_report.h"
#include "time/time_zone.h"

namespace cc {

// A period so far and the one before it: the previous period in full, and
// its part up to the same elapsed time (what "the change" compares with).
struct PeriodView {
  std::string label;  // "2025-09-03", "week of 2025-09-01", "2025-09".
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // Exclusive.
  UsageTotals current;
  UsageTotals previous;          // The whole previous period.
  UsageTotals previous_so_far;   // Up to the same offset into it.
  // Models with requests in `current` that no price covers (their cost is
  // not in current.cost_nano; current.unpriced_events counts them).
  std::set<std::string> unpriced_models;
};

struct BlockView {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  UsageTotals totals;
  int64_t last_ms = 0;
  int64_t remaining_minutes = 0;
  // Once the block has a pace (kMinRateWindowMs in usage_report.h).
  std::optional<BurnRate> burn;
  std::optional<Projection> projection;
};

struct CacheView {
  uint64_t cache_read_tokens = 0;
  uint64_t input_side_tokens = 0;  // input + cache creation + cache read.
  double read_share = 0;           // cache read / input side.
  // Per model at its base rates when the request was made: what the cache
  // reads would have cost as plain input less what they cost
  // (read_savings), what writing the cache cost above plain input
  // (write_premium), and the difference (saved; negative when caching
  // cost more than it saved).
  int64_t read_savings_nano = 0;
  int64_t write_premium_nano = 0;
  int64_t saved_nano = 0;
};

struct Overview {
  PeriodView today, week, month;
  UsageTotals all_time;
  std::optional<BlockView> block;  // The active 5-hour block, if any.
  CacheView cache;                 // Over all time.
  std::vector<std::string> models;   // Every model seen, most costly first.
  std::vector<std::string> sources;  // Every machine seen.
  std::set<std::string> unpriced_models;  // Every model seen with no price.
  std::optional<int64_t> first_ms, last_ms;
};

struct ViewOptions {
  TimeZone zone = TimeZone::Utc();
  int start_of_week = 0;  // 0 = Sunday ... 6 = Saturday.
  int64_t now_ms = 0;
  // Rows before this are left out when looking for the active block. A
  // snapshot sets it to the start of the last block it found (blocks chain
  // from there exactly as from the beginning), so the block costs
  // hundreds of rows, not the whole history.
  int64_t blocks_from_ms = INT64_MIN;
};

Overview BuildOverview(const UsageData& data, const ViewOptions& options,
                       const PriceTable& prices);

// Usage over time, stacked by model.
enum class SeriesBucket { kHour, kDay, kWeek };
inline constexpr size_t kMaxSeriesPoints = 5000;

struct SeriesView {
  SeriesBucket bucket = SeriesBucket::kDay;
  std::vector<int64_t> starts_ms;    // Bucket starts, ascending, gap-free.
  std::vector<std::string> models;   // Most costly first.
  // [model][point]: totals of that model in that bucket.
  std::vector<std::vector<UsageTotals>> by_model;
};

// Buckets from the one holding `from_ms` to the one holding `to_ms - 1`.
// An error when that is more than kMaxSeriesPoints buckets.
Result<SeriesView> BuildSeries(const UsageData& data, const ViewOptions& options,
                               SeriesBucket bucket, int64_t from_ms,
                               int64_t to_ms);

// One table: usage grouped by project, model, source or session.
enum class BreakdownBy { kProject, kModel, kSource, kSession };
enum class BreakdownSort { kCost, kTokens, kEvents, kLast, kName };

struct BreakdownRow {
  std::string name;
  std::string project;  // Sessions: their project.
  UsageTotals totals;
  int64_t first_ms = 0;
  int64_t last_ms = 0;
  std::vector<std::string> models;
};

struct BreakdownQuery {
  BreakdownBy by = BreakdownBy::kProject;
  int64_t from_ms = INT64_MIN;
  int64_t to_ms = INT64_MAX;
  std::string search;  // Case-insensitive substring of name (or project,
                       // or the project's shown path).
  const ProjectNames* projects = nullptr;  // Not owned; null: folders only.
  BreakdownSort sort = BreakdownSort::kCost;
  bool descending = true;
  size_t offset = 0;
  size_t limit = 100;
};

struct BreakdownView {
  size_t total_rows = 0;  // Matching the search, before offset/limit.
  std::vector<BreakdownRow> rows;
};

BreakdownView BuildBreakdown(const UsageData& data, const BreakdownQuery& q);

// Names for the API's parameters ("hour", "project", "cost"...).
std::optional<SeriesBucket> ParseSeriesBucket(std::string_view s);
std::optional<BreakdownBy> ParseBreakdownBy(std::string_view s);
std::optional<BreakdownSort> ParseBreakdownSort(std::string_view s);
const char* ToString(SeriesBucket b);

}  // namespace cc
