#include "report/limits_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/civil_time.h"
#include "core/json_writer.h"
#include "core/terminal_text.h"
#include "price/price_table.h"
#include "report/report_render.h"
#include "report/text_table.h"

namespace cc {
namespace {

const char* KindTitle(RateLimitKind kind) {
  return kind == RateLimitKind::kSevenDay ? "7-day" : "5-hour";
}

// "2025-09-03 10:02" in the report's zone.
std::string LocalMinute(const TimeZone& zone, int64_t ms) {
  std::string iso = zone.FormatLocal(ms);  // 2025-09-03T10:02:34+09:00
  if (iso.size() < 16) return iso;
  return iso.substr(0, 10).append(" ").append(iso.substr(11, 5));
}

// "in 2h 05m", "in 3d 4h".
std::string TimeLeft(int64_t ms) {
  const int64_t minutes = std::max<int64_t>(0, ms) / 60000;
  char buf[48];
  if (minutes >= 24 * 60) {
    std::snprintf(buf, sizeof buf, "in %lldd %lldh",
                  static_cast<long long>(minutes / (24 * 60)),
                  static_cast<long long>(minutes / 60 % 24));
  } else {
    std::snprintf(buf, sizeof buf, "in %lldh %02lldm",
                  static_cast<long long>(minutes / 60),
                  static_cast<long long>(minutes % 60));
  }
  return buf;
}

// Percentages as given, without noise: "42.5%", "7%".
std::string PercentText(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g%%", pct);
  return buf;
}

std::string DollarsText(double dollars) {
  char buf[48];
  std::snprintf(buf, sizeof buf, dollars < 1 ? "$%.4f" : "$%.2f", dollars);
  return buf;
}

void OptionalDouble(JsonWriter& w, std::string_view key,
                    const std::optional<double>& v) {
  w.Key(key);
  if (v) {
    w.Double(*v);
  } else {
    w.Null();
  }
}

}  // namespace

LimitWindowRow LimitRowOf(const RateLimitWindow& window,
                          const RangeTotals& totals, int64_t now_ms) {
  LimitWindowRow row;
  row.window = window;
  row.totals = totals;
  row.active = window.end_ms() > now_ms;
  if (window.peak_percentage > 0) {
    row.tokens_per_percent =
        static_cast<double>(totals.tokens.Total()) / window.peak_percentage;
    row.dollars_per_percent = static_cast<double>(totals.cost_nano) /
                              static_cast<double>(kNanoPerDollar) /
                              window.peak_percentage;
  }
  return row;
}

void AttachOfficialWindows(const std::vector<RateLimitWindow>& windows,
                           UsageReport* report) {
  for (ReportRow& b : report->rows) {
    if (b.is_gap) continue;
    int64_t best = 0;
    for (const RateLimitWindow& w : windows) {
      if (w.kind != RateLimitKind::kFiveHour) continue;
      const int64_t overlap = std::min(b.end_ms, w.end_ms()) -
                              std::max(b.start_ms, w.start_ms());
      if (overlap > best) {
        best = overlap;
        b.official = w;
      }
    }
  }
}

std::string LimitsJson(const LimitsReport& report,
                       const LimitsRenderOptions& opt) {
  JsonWriter w;
  w.BeginObject().Key("limits").BeginArray();
  for (const LimitWindowRow& r : report.rows) {
    const RateLimitWindow& win = r.window;
    const Tokens& t = r.totals.tokens;
    w.BeginObject()
        .Field("window", RateLimitKindName(win.kind))
        .Field("startTime", FormatIsoTimestampMs(win.start_ms()))
        .Field("resetsAt", FormatIsoTimestampMs(win.end_ms()))
        .Field("resetsAtEpoch", win.resets_at)
        .Field("isActive", r.active)
        .Key("peakPercentage")
        .Double(win.peak_percentage)
        .Field("readings", win.readings)
        .Field("firstSeen", FormatIsoTimestampMs(win.first_seen_ms))
        .Field("lastSeen", FormatIsoTimestampMs(win.last_seen_ms))
        .Field("inputTokens", t.input)
        .Field("outputTokens", t.output)
        .Field("cacheCreationTokens", t.cache_creation)
        .Field("cacheReadTokens", t.cache_read)
        .Field("totalTokens", t.Total());
    w.Key("costUSD").Number(DollarsJsonNumber(r.totals.cost_nano));
    w.Field("events", r.totals.events)
        .Field("unpricedEvents", r.totals.unpriced_events);
    OptionalDouble(w, "tokensPerPercent", r.tokens_per_percent);
    OptionalDouble(w, "costUSDPerPercent", r.dollars_per_percent);
    w.EndObject();
  }
  w.EndArray().Key("source");
  if (report.source) {
    w.String(*report.source);
  } else {
    w.Null();
  }
  w.Field("timezone", opt.zone.name()).EndObject();
  return w.Finish();
}

std::string LimitsTable(const LimitsReport& report,
                        const LimitsRenderOptions& opt) {
  using Fit = TextTable::Fit;
  TextTable table({{"Window", false, 0, Fit::kFixed},
                   {"Start", false, 3, Fit::kFixed},
                   {"Resets", false, 0, Fit::kWrap},
                   {"Peak", true, 0, Fit::kFixed},
                   {"Requests", true, 4, Fit::kNumber},
                   {"Tokens", true, 0, Fit::kNumber},
                   {"Cost (USD)", true, 0, Fit::kFixed},
                   {"Tokens per 1%", true, 1, Fit::kNumber},
                   {"USD per 1%", true, 2, Fit::kFixed}});
  for (const LimitWindowRow& r : report.rows) {
    const RateLimitWindow& win = r.window;
    std::string resets = LocalMinute(opt.zone, win.end_ms());
    if (r.active) resets.append(" (").append(TimeLeft(win.end_ms() - opt.now_ms)).append(")");
    table.AddRow(
        {KindTitle(win.kind), LocalMinute(opt.zone, win.start_ms()), resets,
         PercentText(win.peak_percentage), WithThousands(r.totals.events),
         WithThousands(r.totals.tokens.Total()),
         FormatDollars(r.totals.cost_nano, 2) +
             (r.totals.unpriced_events > 0 ? "*" : ""),
         r.tokens_per_percent
             ? WithThousands(static_cast<uint64_t>(
                   std::llround(*r.tokens_per_percent)))
             : "-",
         r.dollars_per_percent ? DollarsText(*r.dollars_per_percent) : "-"},
        r.active ? TextTable::Style::kBold : TextTable::Style::kNormal);
  }
  std::string out = table.Render(opt.width, opt.color);
  std::string notes =
      "Peak: the highest official percentage a statusline saw in the window. "
      "Per 1%: the window's tokens and cost divided by its peak";
  if (report.source) {
    notes.append(" (the readings and events of ")
        .append(TerminalSafe(*report.source))
        .append(" only).");
  } else {
    notes.append(" (every machine's readings and events).");
  }
  return out + WrapText(notes, opt.width);
}

}  // namespace cc
