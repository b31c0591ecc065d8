#include "dashboard/budget_json.h"

#include <cmath>

#include "core/civil_time.h"

namespace cc {
namespace {

// A whole amount as an integer (5000000, not the shortest form's 5e+06),
// any other as the shortest text that reads back the same.
void Amount(JsonWriter& w, std::string_view key, double v) {
  w.Key(key);
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    w.Int(static_cast<int64_t>(v));
  } else {
    w.Double(v);
  }
}

void AlertJson(JsonWriter& w, const Alert& a) {
  w.BeginObject()
      .Field("id", a.id)
      .Field("kind", AlertKindName(a.kind))
      .Field("threshold", static_cast<int64_t>(a.threshold_pct));
  Amount(w, "spent", a.spent);
  Amount(w, "limit", a.limit);
  Amount(w, "projected", a.projected);
  w.Field("firedAt", FormatIsoTimestampMs(a.fired_ms)).EndObject();
}

// "" as null, as `report budget --json` has it.
void NullableString(JsonWriter& w, std::string_view key, const std::string& v) {
  w.Key(key);
  if (v.empty()) {
    w.Null();
  } else {
    w.String(v);
  }
}

}  // namespace

void WriteBudgetJson(JsonWriter& w, const BudgetStatus& s, const TimeZone& calendar_zone) {
  const Budget& b = s.budget;
  w.BeginObject()
      .Field("name", b.name)
      .Field("period", BudgetPeriodName(b.period))
      .Field("unit", s.unit);
  Amount(w, "limit", s.limit);
  w.Key("thresholds").BeginArray();
  for (int t : b.thresholds) w.Int(t);
  w.EndArray();
  NullableString(w, "project", b.project);
  NullableString(w, "source", b.source);
  w.Field("active", s.active);
  // An inactive block budget has no period.
  w.Key("start");
  if (s.active) w.String(FormatIsoTimestampMs(s.period.start_ms));
  else w.Null();
  w.Key("end");
  if (s.active) w.String(FormatIsoTimestampMs(s.period.end_ms));
  else w.Null();
  // Local, as `report budget --json` writes them.
  NullableString(w, "periodStart", s.active ? s.period_start : "");
  NullableString(w, "periodEnd", s.active ? calendar_zone.FormatLocal(s.period.end_ms) : "");
  Amount(w, "spent", s.spent);
  Amount(w, "percent", s.percent);
  if (s.projected) {
    Amount(w, "projected", *s.projected);
  } else {
    w.Key("projected").Null();
  }
  w.Field("overBudget", s.over());
  NullableString(w, "problem", s.problem);
  w.Key("alerts").BeginArray();
  for (const Alert& a : s.alerts) AlertJson(w, a);
  w.EndArray().EndObject();
}

void WriteBudgetsJson(JsonWriter& w, const std::vector<BudgetStatus>& statuses,
                      const TimeZone& calendar_zone) {
  w.Key("budgets").BeginArray();
  for (const BudgetStatus& s : statuses) WriteBudgetJson(w, s, calendar_zone);
  w.EndArray();
}

}  // namespace cc
