#include "alert/alert_payload.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "core/civil_time.h"
#include "core/json_writer.h"
#include "price/price_table.h"
#include "report/report_render.h"

namespace cc {
namespace {

// "today", "this week", ...: the period the figures are of, as of firing.
std::string PeriodPhrase(const std::string& period) {
  if (period == "day") return "today";
  if (period == "block") return "in this 5-hour block";
  std::string out = "this ";
  out.append(period);
  return out;
}

// "$16.20" or "4,100,000"; "?" for a figure that is not a number.
std::string Amount(const Alert& a, double value) {
  if (!std::isfinite(value)) return "?";
  if (a.unit == "usd") return FormatDollars(std::llround(value * 1e9), 2);
  std::string out = value < 0 ? "-" : "";
  out.append(WithThousands(static_cast<uint64_t>(std::llround(std::fabs(value)))));
  return out;
}

// The limit, with its unit when it is tokens: "5,000,000 tokens".
std::string Limit(const Alert& a) {
  std::string out = Amount(a, a.limit);
  if (a.unit != "usd") out.append(" tokens");
  return out;
}

// " (project ~/work/billing, source laptop)" for a budget with filters.
std::string Scope(const Alert& a) {
  std::string inside;
  if (!a.project.empty()) inside.append("project ").append(a.project);
  if (!a.source.empty()) {
    if (!inside.empty()) inside.append(", ");
    inside.append("source ").append(a.source);
  }
  if (inside.empty()) return "";
  std::string out = " (";
  out.append(inside).append(")");
  return out;
}

// A figure in plain decimal ("5000000", not to_chars' shortest "5e+06"),
// the shortest that reads back as the same double; null if not a number.
void Figure(JsonWriter& w, const char* key, double value) {
  w.Key(key);
  if (!std::isfinite(value)) {
    w.Null();
    return;
  }
  char buf[400];  // DBL_MAX in fixed notation is 309 digits.
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (ec != std::errc()) {
    w.Double(value);
    return;
  }
  w.Number(std::string_view(buf, static_cast<size_t>(end - buf)));
}

void NullOrString(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  if (value.empty()) {
    w.Null();
  } else {
    w.String(value);
  }
}

}  // namespace

std::string AlertText(const Alert& a) {
  std::string out = "context-cleaner: ";
  switch (a.kind) {
    case AlertKind::kThreshold:
      out.append("budget '").append(a.budget).append("' at ");
      out.append(std::to_string(a.threshold_pct)).append(" % \xE2\x80\x94 ");
      out.append(Amount(a, a.spent)).append(" of ").append(Limit(a));
      out.append(" ").append(PeriodPhrase(a.period));
      break;
    case AlertKind::kProjection:
      out.append("budget '").append(a.budget).append("' on course for ");
      out.append(Amount(a, a.projected)).append(" of ").append(Limit(a));
      out.append(" ").append(PeriodPhrase(a.period));
      out.append(" (").append(Amount(a, a.spent)).append(" so far)");
      break;
    case AlertKind::kAnomaly:
      out.append("unusual usage \xE2\x80\x94 ").append(Amount(a, a.spent));
      if (a.unit != "usd") out.append(" tokens");
      out.append(" ").append(PeriodPhrase(a.period));
      out.append(", above the usual bound of ").append(Amount(a, a.limit));
      break;
  }
  out.append(Scope(a));
  return out;
}

std::string AlertPayloadJson(const Alert& a) {
  const std::string text = AlertText(a);
  JsonWriter w(false);
  w.BeginObject()
      .Field("id", a.id)
      .Field("kind", AlertKindName(a.kind))
      .Field("budget", a.budget)
      .Field("period", a.period)
      .Field("periodStart", FormatIsoTimestampMs(a.period_start_ms))
      .Field("periodEnd", FormatIsoTimestampMs(a.period_end_ms));
  w.Key("threshold");
  if (a.kind == AlertKind::kThreshold) {
    w.Int(a.threshold_pct);
  } else {
    w.Null();
  }
  w.Field("unit", a.unit);
  Figure(w, "spent", a.spent);
  Figure(w, "limit", a.limit);
  Figure(w, "projected", a.projected);
  NullOrString(w, "project", a.project);
  NullOrString(w, "source", a.source);
  w.Field("time", FormatIsoTimestampMs(a.fired_ms))
      .Field("text", text)
      .Field("content", text)
      .EndObject();
  std::string out = w.Finish();
  out.pop_back();  // Finish's newline: the body is the object alone.
  return out;
}

}  // namespace cc
