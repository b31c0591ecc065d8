#include "report/usage_report.h"

#include <algorithm>

#include "core/civil_time.h"
#include "price/price_table.h"

namespace cc {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// 0 = Sunday (1970-01-01 was a Thursday).
int Weekday(int64_t day) {
  return static_cast<int>(((day % 7) + 7 + 4) % 7);
}

void AddToRow(ReportRow& row, const UsageRow& u) {
  row.totals.Add(u);
  row.by_model[u.model].Add(u);
  row.first_ms = std::min(row.first_ms, u.first_ms);
  row.last_ms = std::max(row.last_ms, u.last_ms);
}

std::string PeriodLabel(const UsageRow& u, const ReportSpec& spec) {
  // Every event of a rollup row is in one quarter hour, so in one local
  // day: its first event's day is the row's day.
  const int64_t day = spec.zone.LocalDay(u.first_ms);
  switch (spec.kind) {
    case ReportKind::kWeekly:
      return WeekLabel(day, spec.start_of_week);
    case ReportKind::kMonthly:
      return MonthLabel(day);
    default:
      return FormatDate(day);
  }
}

std::vector<ReportRow> GroupBy(const std::vector<UsageRow>& rows,
                               const ReportSpec& spec) {
  std::map<std::string, ReportRow> groups;
  for (const UsageRow& u : rows) {
    const std::string label = spec.kind == ReportKind::kSession
                                  ? u.session_id
                                  : PeriodLabel(u, spec);
    ReportRow& row = groups[label];
    row.label = label;
    if (row.project.empty()) row.project = u.project;
    AddToRow(row, u);
  }
  std::vector<ReportRow> out;
  out.reserve(groups.size());
  for (auto& [label, row] : groups) out.push_back(std::move(row));
  return out;
}

// Claude's usage windows: a block starts at the (UTC) hour of its first
// event and lasts 5 hours; an event at or after the block's end, or more
// than 5 hours after the previous event, starts the next one. A silence
// longer than 5 hours is shown as a gap block.
std::vector<ReportRow> GroupIntoBlocks(std::vector<UsageRow> rows,
                                       int64_t now_ms) {
  std::sort(rows.begin(), rows.end(), [](const UsageRow& a, const UsageRow& b) {
    return a.first_ms < b.first_ms;
  });
  std::vector<ReportRow> blocks;
  ReportRow* current = nullptr;
  for (const UsageRow& u : rows) {
    const bool silence =
        current != nullptr && u.first_ms - current->last_ms > kBlockMs;
    if (current == nullptr || u.first_ms >= current->end_ms || silence) {
      if (silence) {
        ReportRow gap;
        gap.is_gap = true;
        gap.start_ms = current->last_ms + kBlockMs;
        gap.end_ms = u.first_ms;
        gap.label = "gap-" + FormatIsoTimestampMs(gap.start_ms);
        blocks.push_back(std::move(gap));
      }
      ReportRow block;
      block.start_ms = FloorDiv(u.first_ms, 3'600'000) * 3'600'000;
      block.end_ms = block.start_ms + kBlockMs;
      block.label = FormatIsoTimestampMs(block.start_ms);
      blocks.push_back(std::move(block));
      current = &blocks.back();
    }
    AddToRow(*current, u);
  }
  for (ReportRow& b : blocks) {
    b.is_active = !b.is_gap && now_ms < b.end_ms &&
                  now_ms - b.last_ms < kBlockMs;
  }
  return blocks;
}

// The active block's pace: tokens and dollars per unit of time between its
// first and last event, and where that pace ends by the block's end.
void RateAndProjection(const ReportRow& block, int64_t now_ms,
                       UsageReport* report) {
  const double minutes =
      static_cast<double>(block.last_ms - block.first_ms) / 60000.0;
  if (minutes <= 0) return;
  const Tokens& t = block.totals.tokens;
  const double dollars = static_cast<double>(block.totals.cost_pico) /
                         static_cast<double>(kPicoPerDollar);
  BurnRate rate;
  rate.tokens_per_minute = static_cast<double>(t.Total()) / minutes;
  rate.tokens_per_minute_for_indicator =
      static_cast<double>(t.input + t.output) / minutes;
  rate.cost_per_hour = dollars / minutes * 60.0;
  report->burn_rate = rate;
  const double remaining =
      std::max<double>(0, static_cast<double>(block.end_ms - now_ms) / 60000.0);
  Projection p;
  p.remaining_minutes = static_cast<int64_t>(remaining + 0.5);
  p.total_tokens = t.Total() + static_cast<uint64_t>(
                                   rate.tokens_per_minute * remaining + 0.5);
  p.total_cost = dollars + rate.cost_per_hour / 60.0 * remaining;
  report->projection = p;
}

}  // namespace

void UsageTotals::Add(const UsageRow& row) {
  tokens += row.tokens;
  cost_pico += row.cost_pico;
  events += row.events;
  unpriced_events += row.unpriced_events;
}

void UsageTotals::Add(const UsageTotals& other) {
  tokens += other.tokens;
  cost_pico += other.cost_pico;
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

UsageReport BuildReport(const std::vector<UsageRow>& rows,
                        const ReportSpec& spec) {
  UsageReport report;
  report.kind = spec.kind;
  for (const UsageRow& u : rows) {
    report.totals.Add(u);
    if (u.unpriced_events > 0) report.unpriced_models.insert(u.model);
  }
  if (spec.kind == ReportKind::kBlocks) {
    report.rows = GroupIntoBlocks(rows, spec.now_ms);
    std::erase_if(report.rows, [&spec](const ReportRow& b) {
      const int64_t day = spec.zone.LocalDay(b.start_ms);
      return (spec.since_day && day < *spec.since_day) ||
             (spec.until_day && day > *spec.until_day);
    });
    report.totals = UsageTotals();
    report.unpriced_models.clear();
    for (const ReportRow& b : report.rows) {
      report.totals.Add(b.totals);
      for (const auto& [model, t] : b.by_model) {
        if (t.unpriced_events > 0) report.unpriced_models.insert(model);
      }
    }
    for (const ReportRow& b : report.rows) {
      if (b.is_active) RateAndProjection(b, spec.now_ms, &report);
    }
  } else {
    report.rows = GroupBy(rows, spec);
  }
  if (spec.kind == ReportKind::kSession) {
    // The most recent session last (first with --order desc).
    std::sort(report.rows.begin(), report.rows.end(),
              [](const ReportRow& a, const ReportRow& b) {
                return a.last_ms < b.last_ms;
              });
  }
  if (spec.descending) std::reverse(report.rows.begin(), report.rows.end());
  return report;
}

}  // namespace cc
