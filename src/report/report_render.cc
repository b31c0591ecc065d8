#include "report/report_render.h"

#include <algorithm>
#include <cmath>

#include "core/civil_time.h"
#include "core/json_writer.h"
#include "price/price_table.h"

namespace cc {
namespace {

const char* ArrayKey(ReportKind kind) {
  switch (kind) {
    case ReportKind::kDaily:
      return "daily";
    case ReportKind::kWeekly:
      return "weekly";
    case ReportKind::kMonthly:
      return "monthly";
    case ReportKind::kSession:
      return "sessions";
    case ReportKind::kBlocks:
      return "blocks";
  }
  return "daily";
}

const char* LabelKey(ReportKind kind) {
  switch (kind) {
    case ReportKind::kWeekly:
      return "week";
    case ReportKind::kMonthly:
      return "month";
    case ReportKind::kSession:
      return "sessionId";
    default:
      return "date";
  }
}

void TokenFields(JsonWriter& w, const UsageTotals& t) {
  w.Field("inputTokens", t.tokens.input)
      .Field("outputTokens", t.tokens.output)
      .Field("cacheCreationTokens", t.tokens.cache_creation)
      .Field("cacheReadTokens", t.tokens.cache_read);
}

// Fields beyond ccusage's: exact counts tools may want.
void ExtraFields(JsonWriter& w, const UsageTotals& t) {
  w.Field("cacheCreation5mTokens",
          t.tokens.cache_creation -
              std::min(t.tokens.cache_creation_1h, t.tokens.cache_creation))
      .Field("cacheCreation1hTokens", t.tokens.cache_creation_1h)
      .Field("webSearchRequests", t.tokens.web_search_requests)
      .Field("events", t.events)
      .Field("unpricedEvents", t.unpriced_events);
}

// As ccusage's rows: the most expensive model first. Blocks carry it too
// (ccusage's blocks have no per-model figures; --breakdown shows these).
void ModelBreakdowns(JsonWriter& w, const ReportRow& row) {
  std::vector<std::pair<std::string, UsageTotals>> models(row.by_model.begin(),
                                                          row.by_model.end());
  std::stable_sort(models.begin(), models.end(),
                   [](const auto& a, const auto& b) {
                     return a.second.cost_nano > b.second.cost_nano;
                   });
  w.Key("modelBreakdowns").BeginArray();
  for (const auto& [model, t] : models) {
    w.BeginObject().Field("modelName", model);
    TokenFields(w, t);
    w.Key("cost").Number(DollarsJsonNumber(t.cost_nano));
    w.Field("events", t.events).Field("unpricedEvents", t.unpriced_events);
    w.EndObject();
  }
  w.EndArray();
}

void ModelArrays(JsonWriter& w, const ReportRow& row) {
  w.Key("modelsUsed").BeginArray();
  for (const auto& [model, t] : row.by_model) w.String(model);
  w.EndArray();
  ModelBreakdowns(w, row);
}

std::string ProjectName(const std::string& project, const RenderOptions& opt) {
  return opt.projects != nullptr ? opt.projects->Display(project) : project;
}

void PeriodRowJson(JsonWriter& w, const UsageReport& report,
                   const RenderOptions& opt, const ReportRow& row) {
  w.BeginObject().Field(LabelKey(report.kind), row.label);
  if (report.kind == ReportKind::kSession) {
    w.Field("projectPath", row.project)
        .Field("projectName", ProjectName(row.project, opt))
        .Field("firstActivity", FormatIsoTimestampMs(row.first_ms))
        .Field("lastActivity", FormatIsoTimestampMs(row.last_ms))
        .Field("lastActivityLocal", opt.zone.FormatLocal(row.last_ms));
  }
  TokenFields(w, row.totals);
  w.Field("totalTokens", row.totals.tokens.Total());
  w.Key("totalCost").Number(DollarsJsonNumber(row.totals.cost_nano));
  ExtraFields(w, row.totals);
  ModelArrays(w, row);
  w.EndObject();
}

// Rows, or (--instances) rows by project: {"projects": {folder: [...]},
// "projectNames": {folder: shown}} as ccusage keys them by folder.
void PeriodRowsJson(JsonWriter& w, const UsageReport& report,
                    const RenderOptions& opt) {
  if (!report.by_project) {
    w.Key(ArrayKey(report.kind)).BeginArray();
    for (const ReportRow& row : report.rows) PeriodRowJson(w, report, opt, row);
    w.EndArray();
    return;
  }
  w.Key("projects").BeginObject();
  for (size_t i = 0; i < report.rows.size();) {
    const std::string& project = report.rows[i].project;
    w.Key(project).BeginArray();
    for (; i < report.rows.size() && report.rows[i].project == project; ++i) {
      PeriodRowJson(w, report, opt, report.rows[i]);
    }
    w.EndArray();
  }
  w.EndObject().Key("projectNames").BeginObject();
  for (size_t i = 0; i < report.rows.size(); ++i) {
    if (i > 0 && report.rows[i].project == report.rows[i - 1].project) continue;
    w.Field(report.rows[i].project, ProjectName(report.rows[i].project, opt));
  }
  w.EndObject();
}

void PeriodJson(JsonWriter& w, const UsageReport& report,
                const RenderOptions& opt) {
  w.BeginObject();
  PeriodRowsJson(w, report, opt);
  w.Key("totals").BeginObject();
  TokenFields(w, report.totals);
  w.Field("totalTokens", report.totals.tokens.Total());
  w.Key("totalCost").Number(DollarsJsonNumber(report.totals.cost_nano));
  ExtraFields(w, report.totals);
  if (report.exact_events) {
    // Telemetry confirmed these; the rest are lower bounds.
    w.Field("exactEvents", report.exact_events->first)
        .Field("lowerBoundEvents",
               report.exact_events->second - report.exact_events->first);
  }
  w.EndObject();
  w.Key("unpricedModels").BeginArray();
  for (const std::string& m : report.unpriced_models) w.String(m);
  w.EndArray().Field("timezone", opt.zone.name()).EndObject();
}

const char* LimitStatus(uint64_t projected, uint64_t limit) {
  if (projected > limit) return "exceeds";
  if (static_cast<double>(projected) >= 0.8 * static_cast<double>(limit)) {
    return "warning";
  }
  return "ok";
}

void BlocksJson(JsonWriter& w, const UsageReport& report,
                const RenderOptions& opt) {
  w.BeginObject().Key("blocks").BeginArray();
  for (const ReportRow& b : report.rows) {
    const Tokens& t = b.totals.tokens;
    w.BeginObject()
        .Field("id", b.label)
        .Field("startTime", FormatIsoTimestampMs(b.start_ms))
        .Field("endTime", FormatIsoTimestampMs(b.end_ms));
    w.Key("actualEndTime");
    if (b.is_gap) {
      w.Null();
    } else {
      w.String(FormatIsoTimestampMs(b.last_ms));
    }
    w.Field("isActive", b.is_active)
        .Field("isGap", b.is_gap)
        .Field("entries", b.totals.events);
    w.Key("tokenCounts")
        .BeginObject()
        .Field("inputTokens", t.input)
        .Field("outputTokens", t.output)
        .Field("cacheCreationInputTokens", t.cache_creation)
        .Field("cacheReadInputTokens", t.cache_read)
        .EndObject();
    w.Field("totalTokens", t.Total());
    w.Key("costUSD").Number(DollarsJsonNumber(b.totals.cost_nano));
    w.Key("models").BeginArray();
    for (const auto& [model, mt] : b.by_model) w.String(model);
    w.EndArray();
    ExtraFields(w, b.totals);
    ModelBreakdowns(w, b);
    const bool with_rates = b.is_active && report.burn_rate;
    w.Key("burnRate");
    if (with_rates) {
      w.BeginObject()
          .Key("tokensPerMinute")
          .Double(report.burn_rate->tokens_per_minute)
          .Key("tokensPerMinuteForIndicator")
          .Double(report.burn_rate->tokens_per_minute_for_indicator)
          .Key("costPerHour")
          .Double(report.burn_rate->cost_per_hour)
          .EndObject();
    } else {
      w.Null();
    }
    w.Key("projection");
    if (with_rates) {
      const Projection& p = *report.projection;
      w.BeginObject()
          .Field("totalTokens", p.total_tokens)
          .Key("totalCost")
          .Double(std::round(p.total_cost * 100) / 100)
          .Field("remainingMinutes", p.remaining_minutes)
          .EndObject();
    } else {
      w.Null();
    }
    // Beyond ccusage: the official 5-hour window this block falls in,
    // where the statusline saw one.
    w.Key("officialFiveHour");
    if (b.official) {
      w.BeginObject()
          .Key("peakPercentage")
          .Double(b.official->peak_percentage)
          .Field("resetsAt", FormatIsoTimestampMs(b.official->end_ms()))
          .EndObject();
    } else {
      w.Null();
    }
    if (with_rates && opt.token_limit) {  // As ccusage: with a projection.
      const uint64_t projected = report.projection->total_tokens;
      w.Key("tokenLimitStatus")
          .BeginObject()
          .Field("limit", *opt.token_limit)
          .Field("projectedUsage", projected)
          .Key("percentUsed")
          .Double(100.0 * static_cast<double>(projected) /
                  static_cast<double>(std::max<uint64_t>(1, *opt.token_limit)))
          .Field("status", LimitStatus(projected, *opt.token_limit))
          .EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  if (report.exact_events) {  // As in the other reports' totals.
    w.Field("exactEvents", report.exact_events->first)
        .Field("lowerBoundEvents",
               report.exact_events->second - report.exact_events->first);
  }
  w.Key("unpricedModels").BeginArray();
  for (const std::string& m : report.unpriced_models) w.String(m);
  w.EndArray().Field("timezone", opt.zone.name()).EndObject();
}

}  // namespace

std::string WithThousands(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string ShortModelName(const std::string& model) {
  std::string s = model;
  if (s.rfind("claude-", 0) == 0) s.erase(0, 7);
  // Drop a trailing "-YYYYMMDD".
  if (s.size() > 9 && s[s.size() - 9] == '-' &&
      std::all_of(s.end() - 8, s.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    s.resize(s.size() - 9);
  }
  return s.empty() ? model : s;
}

std::string ReportJson(const UsageReport& report, const RenderOptions& opt) {
  JsonWriter w;
  if (report.kind == ReportKind::kBlocks) {
    BlocksJson(w, report, opt);
  } else {
    PeriodJson(w, report, opt);
  }
  return w.Finish();
}

}  // namespace cc
