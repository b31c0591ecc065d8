#include "report/usage_report.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "core/civil_time.h"
#include "price/price_table.h"

namespace cc {
namespace {

namespace chr = std::chrono;


// Small integer ids for the models and sessions the dimensions name, so
// that grouping a row costs an index, not a string comparison.
struct DimIndex {
  std::vector<std::string> models;
  std::vector<std::string> sessions;
  std::vector<std::string> projects;
  std::vector<uint32_t> model_of;    // By dimension.
  std::vector<uint32_t> session_of;  // By dimension.
  std::vector<uint32_t> project_of;  // By dimension.

  explicit DimIndex(const std::vector<UsageDim>& dims) {
    std::map<std::string, uint32_t> model_ids, session_ids, project_ids;
    for (const UsageDim& d : dims) {
      model_of.push_back(Intern(d.model, model_ids, models));
      session_of.push_back(Intern(d.session_id, session_ids, sessions));
      project_of.push_back(Intern(d.project, project_ids, projects));
    }
  }
  static uint32_t Intern(const std::string& s,
                         std::map<std::string, uint32_t>& ids,
                         std::vector<std::string>& names) {
    auto [it, added] = ids.emplace(s, static_cast<uint32_t>(names.size()));
    if (added) names.push_back(s);
    return it->second;
  }
};

// A row being summed: per-model totals by model id.
struct Accumulator {
  UsageTotals totals;
  std::vector<UsageTotals> by_model;
  int64_t first_ms = INT64_MAX;
  int64_t last_ms = INT64_MIN;
  uint32_t first_dim = 0;

  void Add(const UsageRow& u, uint32_t model) {
    totals.Add(u);
    if (by_model.size() <= model) by_model.resize(model + 1);
    by_model[model].Add(u);
    if (u.first_ms < first_ms) first_dim = u.dim;
    first_ms = std::min(first_ms, u.first_ms);
    last_ms = std::max(last_ms, u.last_ms);
  }

  void Into(ReportRow& row, const DimIndex& index) const {
    row.totals = totals;
    for (size_t m = 0; m < by_model.size(); ++m) {
      if (by_model[m].events > 0 && !IsSyntheticModel(index.models[m])) {
        row.by_model[index.models[m]] = by_model[m];
      }
    }
    row.first_ms = first_ms;
    row.last_ms = last_ms;
  }
};

// Days since the epoch of the first day of the period containing `day`.
int64_t PeriodStart(int64_t day, const ReportSpec& spec) {
  switch (spec.kind) {
    case ReportKind::kWeekly:
      return day - (Weekday(day) - spec.start_of_week + 7) % 7;
    case ReportKind::kMonthly:
      return day - (CivilFromDays(day).day - 1);
    default:
      return day;
  }
}

std::string PeriodLabel(int64_t period_start, ReportKind kind) {
  return kind == ReportKind::kMonthly ? MonthLabel(period_start)
                                      : FormatDate(period_start);
}

std::vector<ReportRow> GroupByPeriod(const UsageData& data,
                                     const DimIndex& index,
                                     const ReportSpec& spec) {
  std::map<int64_t, Accumulator> groups;
  // Rows come in bucket order: a local day spans 96 buckets, so the day of
  // the previous bucket usually holds (checked by its bounds).
  int64_t day_lo = 1, day_hi = 0, period = 0;
  Accumulator* current = nullptr;
  int64_t current_period = INT64_MIN;
  for (const UsageRow& u : data.rows) {
    // Every event of a rollup row is in one quarter hour, so in one local
    // day: its first event's day is the row's day.
    if (u.first_ms < day_lo || u.first_ms >= day_hi) {
      const int64_t day = spec.zone.LocalDay(u.first_ms);
      day_lo = spec.zone.LocalDayStart(day);
      day_hi = spec.zone.LocalDayStart(day + 1);
      period = PeriodStart(day, spec);
    }
    if (current == nullptr || period != current_period) {
      current = &groups[period];
      current_period = period;
    }
    current->Add(u, index.model_of[u.dim]);
  }
  std::vector<ReportRow> out;
  out.reserve(groups.size());
  for (const auto& [start, acc] : groups) {
    ReportRow row;
    row.label = PeriodLabel(start, spec.kind);
    acc.Into(row, index);
    out.push_back(std::move(row));
  }
  return out;
}

// --instances: GroupByPeriod within each project.
std::vector<ReportRow> GroupByProjectAndPeriod(const UsageData& data,
                                               const DimIndex& index,
                                               const ReportSpec& spec) {
  std::map<std::string, std::map<int64_t, Accumulator>> groups;
  std::vector<std::map<int64_t, Accumulator>*> of_project(index.projects.size());
  for (size_t p = 0; p < index.projects.size(); ++p) {
    of_project[p] = &groups[index.projects[p]];
  }
  for (const UsageRow& u : data.rows) {
    const int64_t period = PeriodStart(spec.zone.LocalDay(u.first_ms), spec);
    (*of_project[index.project_of[u.dim]])[period].Add(u,
                                                       index.model_of[u.dim]);
  }
  std::vector<ReportRow> out;
  for (const auto& [project, periods] : groups) {
    for (const auto& [start, acc] : periods) {
      ReportRow row;
      row.label = PeriodLabel(start, spec.kind);
      row.project = project;
      acc.Into(row, index);
      out.push_back(std::move(row));
    }
  }
  return out;
}

std::vector<ReportRow> GroupBySession(const UsageData& data,
                                      const DimIndex& index) {
  std::vector<Accumulator> sessions(index.sessions.size());
  for (const UsageRow& u : data.rows) {
    sessions[index.session_of[u.dim]].Add(u, index.model_of[u.dim]);
  }
  std::vector<ReportRow> out;
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (sessions[i].totals.events == 0) continue;
    ReportRow row;
    row.label = index.sessions[i];
    row.project = data.dims[sessions[i].first_dim].project;
    sessions[i].Into(row, index);
    out.push_back(std::move(row));
  }
  // The most recent session last (first with --order desc).
  std::sort(out.begin(), out.end(), [](const ReportRow& a, const ReportRow& b) {
    return a.last_ms != b.last_ms ? a.last_ms < b.last_ms : a.label < b.label;
  });
  return out;
}

// Claude's usage windows: a block starts at the (UTC) hour of its first
// event and lasts 5 hours; an event at or after the block's end, or more
// than 5 hours after the previous event, starts the next one. A silence
// longer than 5 hours is shown as a gap block, from the last request + 5 h
// to the next request (ccusage's gap). Rows are in order of their start,
// as ccusage lists them: the block after a gap starts on the hour, so it
// can start before the gap does (a gap from 08:12, a block from 08:00).
std::vector<ReportRow> GroupIntoBlocks(const UsageData& data,
                                       const DimIndex& index, int64_t now_ms) {
  std::vector<const UsageRow*> rows;
  rows.reserve(data.rows.size());
  for (const UsageRow& u : data.rows) rows.push_back(&u);
  std::sort(rows.begin(), rows.end(), [](const UsageRow* a, const UsageRow* b) {
    return a->first_ms < b->first_ms;
  });
  std::vector<ReportRow> blocks;
  std::vector<Accumulator> sums;
  for (const UsageRow* u : rows) {
    ReportRow* current = blocks.empty() ? nullptr : &blocks.back();
    const bool silence = current != nullptr && !current->is_gap &&
                         u->first_ms - sums.back().last_ms > kBlockMs;
    if (current == nullptr || u->first_ms >= current->end_ms || silence) {
      if (silence) {
        ReportRow gap;
        gap.is_gap = true;
        gap.start_ms = sums.back().last_ms + kBlockMs;
        gap.end_ms = u->first_ms;
        gap.label = "gap-" + FormatIsoTimestampMs(gap.start_ms);
        blocks.push_back(std::move(gap));
        sums.emplace_back();
      }
      ReportRow block;
      block.start_ms = chr::milliseconds(chr::floor<chr::hours>(
                                             chr::milliseconds(u->first_ms)))
                           .count();
      block.end_ms = block.start_ms + kBlockMs;
      block.label = FormatIsoTimestampMs(block.start_ms);
      blocks.push_back(std::move(block));
      sums.emplace_back();
    }
    sums.back().Add(*u, index.model_of[u->dim]);
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    ReportRow& b = blocks[i];
    if (b.is_gap) continue;
    sums[i].Into(b, index);
    b.is_active = now_ms < b.end_ms && now_ms - b.last_ms < kBlockMs;
  }
  std::stable_sort(blocks.begin(), blocks.end(),
                   [](const ReportRow& a, const ReportRow& b) {
                     return a.start_ms < b.start_ms;
                   });
  return blocks;
}

// The active block's pace: tokens and dollars per unit of time from its
// first request to now, and where that pace ends by the block's end.
// ccusage divides by the time from the first to the last request: early in
// a block that is seconds, and a pause keeps the rate of the burst before
// it. Counting to now, a pause lowers the pace as it should; under
// kMinRateWindowMs there is no rate at all.
void RateAndProjection(const ReportRow& block, int64_t now_ms,
                       UsageReport* report) {
  const int64_t window = std::max(now_ms, block.last_ms) - block.first_ms;
  if (window < kMinRateWindowMs) return;
  const double minutes = static_cast<double>(window) / 60000.0;
  const Tokens& t = block.totals.tokens;
  const double dollars = static_cast<double>(block.totals.cost_nano) /
                         static_cast<double>(kNanoPerDollar);
  BurnRate rate;
  rate.tokens_per_minute = static_cast<double>(t.Total()) / minutes;
  rate.tokens_per_minute_for_indicator =
      static_cast<double>(t.input + t.output) / minutes;
  rate.cost_per_hour = dollars / minutes * 60.0;
  report->burn_rate = rate;
  // As ccusage: whole minutes left, then the pace over them.
  const int64_t remaining =
      std::max<int64_t>(0, (block.end_ms - now_ms + 30'000) / 60'000);
  Projection p;
  p.remaining_minutes = remaining;
  // Clamped before the conversion: a double beyond uint64_t's range does
  // not convert (the ledger's largest blocks could get there).
  const double more = rate.tokens_per_minute * static_cast<double>(remaining) + 0.5;
  constexpr double kMost = 9.0e18;  // Below 2^63: converts exactly.
  const uint64_t extra = more >= kMost ? static_cast<uint64_t>(kMost) : static_cast<uint64_t>(more);
  p.total_tokens = t.Total() > UINT64_MAX - extra ? UINT64_MAX : t.Total() + extra;
  p.total_cost =
      dollars + rate.cost_per_hour / 60.0 * static_cast<double>(remaining);
  report->projection = p;
}

}  // namespace

void UsageTotals::Add(const UsageRow& row) {
  tokens += row.tokens;
  cost_nano += row.cost_nano;
  events += row.events;
  unpriced_events += row.unpriced_events;
}

void UsageTotals::Add(const UsageTotals& other) {
  tokens += other.tokens;
  cost_nano += other.cost_nano;
  events += other.events;
  unpriced_events += other.unpriced_events;
}

std::string WeekLabel(int64_t local_day, int start_of_week) {
  const int back = (Weekday(local_day) - start_of_week + 7) % 7;
  return FormatDate(local_day - back);
}

std::string MonthLabel(int64_t local_day) {
  return FormatDate(local_day).substr(0, 7);
}

UsageReport BuildReport(const UsageData& data, const ReportSpec& spec) {
  const DimIndex index(data.dims);
  UsageReport report;
  report.kind = spec.kind;
  report.by_project = spec.by_project && spec.kind != ReportKind::kSession &&
                      spec.kind != ReportKind::kBlocks;
  switch (spec.kind) {
    case ReportKind::kBlocks:
      report.rows = GroupIntoBlocks(data, index, spec.now_ms);
      std::erase_if(report.rows, [&spec](const ReportRow& b) {
        const int64_t day = spec.zone.LocalDay(b.start_ms);
        return (spec.since_day && day < *spec.since_day) ||
               (spec.until_day && day > *spec.until_day) ||
               (spec.recent_only && !b.is_active &&
                b.start_ms < spec.now_ms - kRecentMs);
      });
      for (const ReportRow& b : report.rows) {
        if (b.is_active) RateAndProjection(b, spec.now_ms, &report);
        if (!b.is_gap && !b.is_active) {
          report.largest_block_tokens =
              std::max(report.largest_block_tokens, b.totals.tokens.Total());
        }
      }
      if (spec.active_only) {
        std::erase_if(report.rows,
                      [](const ReportRow& b) { return !b.is_active; });
      }
      break;
    case ReportKind::kSession:
      report.rows = GroupBySession(data, index);
      break;
    default:
      report.rows = report.by_project
                        ? GroupByProjectAndPeriod(data, index, spec)
                        : GroupByPeriod(data, index, spec);
  }
  for (const ReportRow& r : report.rows) {
    report.totals.Add(r.totals);
    for (const auto& [model, t] : r.by_model) {
      if (t.unpriced_events > 0) report.unpriced_models.insert(model);
    }
  }
  if (spec.descending) std::reverse(report.rows.begin(), report.rows.end());
  if (report.by_project) {  // Newest first within each project, still A-Z.
    std::stable_sort(report.rows.begin(), report.rows.end(),
                     [](const ReportRow& a, const ReportRow& b) {
                       return a.project < b.project;
                     });
  }
  return report;
}

}  // namespace cc
