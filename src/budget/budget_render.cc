#include "budget/budget_render.h"

#include <cmath>
#include <cstdio>

#include "core/json_writer.h"
#include "core/terminal_text.h"
#include "report/report_render.h"
#include "report/text_table.h"

namespace cc {
namespace {

// "$3.30", "1,234,567 tokens" as the budget counts.
std::string Amount(const BudgetStatus& s, double value) {
  if (s.unit == "tokens") {
    return WithThousands(static_cast<uint64_t>(std::llround(std::max(0.0, value))));
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "$%.2f", value);
  return buf;
}

std::string Percent(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", std::floor(pct));
  return buf;
}

// "2026-12-08 10:00" in the zone.
std::string LocalMinuteOf(const TimeZone& zone, int64_t ms) {
  const std::string iso = zone.FormatLocal(ms);
  return iso.size() < 16 ? iso : iso.substr(0, 10) + " " + iso.substr(11, 5);
}

// "day 2026-12-08", "week from 2026-12-07", "month 2026-12",
// "block 10:00-15:00", "no active block".
std::string PeriodText(const BudgetStatus& s, const TimeZone& zone) {
  if (!s.active) return "no active block";
  const std::string start = LocalMinuteOf(zone, s.period.start_ms);
  switch (s.budget.period) {
    case BudgetPeriod::kDay: return "day " + start.substr(0, 10);
    case BudgetPeriod::kWeek: return "week from " + start.substr(0, 10);
    case BudgetPeriod::kMonth: return "month " + start.substr(0, 7);
    case BudgetPeriod::kBlock:
      return "block " + start + "-" + LocalMinuteOf(zone, s.period.end_ms).substr(11);
  }
  return start;
}

// "50% 80% projection".
std::string AlertsText(const BudgetStatus& s) {
  std::string out;
  for (const Alert& a : s.alerts) {
    if (!out.empty()) out += ' ';
    out += a.kind == AlertKind::kThreshold ? std::to_string(a.threshold_pct) + "%"
                                           : AlertKindName(a.kind);
  }
  return out.empty() ? "-" : out;
}

void NullableString(JsonWriter& w, std::string_view key, const std::string& v) {
  w.Key(key);
  if (v.empty()) {
    w.Null();
  } else {
    w.String(v);
  }
}

void AlertJson(JsonWriter& w, const Alert& a, const TimeZone& zone) {
  w.BeginObject()
      .Field("id", a.id)
      .Field("kind", AlertKindName(a.kind))
      .Field("threshold", int64_t{a.threshold_pct});
  w.Key("spent").Double(a.spent);
  w.Key("projected").Double(a.projected);
  w.Field("firedAt", zone.FormatLocal(a.fired_ms)).EndObject();
}

void StatusJson(JsonWriter& w, const BudgetStatus& s, const TimeZone& zone) {
  w.BeginObject()
      .Field("name", s.budget.name)
      .Field("period", BudgetPeriodName(s.budget.period))
      .Field("unit", s.unit);
  w.Key("limit").Double(s.limit);
  NullableString(w, "project", s.budget.project);
  NullableString(w, "source", s.budget.source);
  w.Key("thresholds").BeginArray();
  for (int t : s.budget.thresholds) w.Int(t);
  w.EndArray().Field("active", s.active);
  NullableString(w, "periodStart", s.active ? zone.FormatLocal(s.period.start_ms) : "");
  NullableString(w, "periodEnd", s.active ? zone.FormatLocal(s.period.end_ms) : "");
  w.Key("spent").Double(s.spent);
  w.Key("percent").Double(s.percent);
  w.Key("projected");
  if (s.projected) {
    w.Double(*s.projected);
  } else {
    w.Null();
  }
  w.Field("overBudget", s.over()).Key("alerts").BeginArray();
  for (const Alert& a : s.alerts) AlertJson(w, a, zone);
  w.EndArray();
  NullableString(w, "problem", s.problem);
  w.EndObject();
}

}  // namespace

std::string BudgetStatusJson(const std::vector<BudgetStatus>& statuses,
                             const BudgetRenderOptions& opt) {
  JsonWriter w;
  w.BeginObject().Key("budgets").BeginArray();
  for (const BudgetStatus& s : statuses) StatusJson(w, s, opt.zone);
  w.EndArray()
      .Field("timezone", opt.zone.name())
      .Field("now", opt.zone.FormatLocal(opt.now_ms))
      .EndObject();
  return w.Finish();
}

std::string BudgetStatusTable(const std::vector<BudgetStatus>& statuses,
                              const BudgetRenderOptions& opt) {
  using Fit = TextTable::Fit;
  TextTable table({{"Budget", false, 0, Fit::kWrap},
                   {"Period", false, 2, Fit::kWrap},
                   {"Spent", true, 0, Fit::kNumber},
                   {"Limit", true, 0, Fit::kNumber},
                   {"%", true, 0, Fit::kFixed},
                   {"Projected", true, 1, Fit::kNumber},
                   {"Alerts", false, 3, Fit::kWrap}});
  std::string notes;
  for (const BudgetStatus& s : statuses) {
    table.AddRow({s.budget.name, PeriodText(s, opt.zone), Amount(s, s.spent),
                  Amount(s, s.limit), Percent(s.percent),
                  s.projected ? Amount(s, *s.projected) : "-", AlertsText(s)},
                 s.over() ? TextTable::Style::kBold : TextTable::Style::kNormal);
    if (!s.problem.empty()) {
      notes += TerminalSafe(s.budget.name) + ": " + TerminalSafe(s.problem) + "\n";
    }
  }
  notes +=
      "Projected: the spend at the period's end at the rate since its start "
      "(shown once 10% of the period and 30 minutes have passed). Alerts: "
      "those fired in this period.\n";
  return table.Render(opt.width, opt.color) + WrapText(notes, opt.width);
}

std::string OverBudgetLine(const BudgetStatus& s) {
  return s.budget.name + ": " + Percent(s.percent) + " of " + Amount(s, s.limit) +
         " (" + Amount(s, s.spent) + " spent, " +
         std::string(BudgetPeriodName(s.budget.period)) + " from " +
         s.period_start + ")";
}

}  // namespace cc
