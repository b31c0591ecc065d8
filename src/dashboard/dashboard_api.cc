#include "dashboard/dashboard_api.h"

#include <algorithm>

#include "alert/alert_health_json.h"
#include "core/civil_time.h"
#include "core/json_writer.h"
#include "dashboard/api_params.h"
#include "dashboard/budget_json.h"
#include "dashboard/metrics.h"
#include "dashboard/usage_views.h"
#include "report/limits_report.h"

namespace cc {
namespace {

constexpr int64_t kDayMs = 86'400'000;

ApiResponse Json(const JsonWriter& w, int status = 200) {
  ApiResponse r;
  r.status = status;
  r.body = w.Finish();
  return r;
}

ApiResponse Error(int status, const std::string& message) {
  JsonWriter w(false);
  w.BeginObject().Field("error", message).EndObject();
  return Json(w, status);
}

void Dollars(JsonWriter& w, std::string_view key, int64_t nano) {
  w.Key(key).Number(DollarsJsonNumber(nano));
}

void TokenFields(JsonWriter& w, const Tokens& t) {
  w.Field("inputTokens", t.input)
      .Field("outputTokens", t.output)
      .Field("cacheCreationTokens", t.cache_creation)
      .Field("cacheReadTokens", t.cache_read)
      .Field("totalTokens", t.Total());
}

void TotalsObject(JsonWriter& w, const UsageTotals& t) {
  w.BeginObject();
  TokenFields(w, t.tokens);
  w.Field("events", t.events);
  Dollars(w, "costUSD", t.cost_nano);
  w.Field("unpricedEvents", t.unpriced_events).EndObject();
}

void Time(JsonWriter& w, std::string_view key, int64_t ms) {
  w.Key(key).String(FormatIsoTimestampMs(ms));
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

// {"fiveHour": {...} | null, "sevenDay": {...} | null}: each kind's latest
// reading (ledger/rate_limits.h).
void OfficialLimits(JsonWriter& w, const std::vector<RateLimitRow>& latest) {
  w.Key("officialLimits").BeginObject();
  for (RateLimitKind kind : {RateLimitKind::kFiveHour, RateLimitKind::kSevenDay}) {
    w.Key(kind == RateLimitKind::kFiveHour ? "fiveHour" : "sevenDay");
    auto it = std::find_if(latest.begin(), latest.end(),
                           [kind](const RateLimitRow& r) { return r.kind == kind; });
    if (it == latest.end()) {
      w.Null();
      continue;
    }
    w.BeginObject().Key("usedPercentage").Double(it->used_percentage);
    w.Key("resetsAt").String(FormatIsoTimestampMs(it->resets_at * 1000));
    w.Key("seenAt").String(FormatIsoTimestampMs(it->seen_ms));
    w.Field("source", it->source).EndObject();
  }
  w.EndObject();
}

// The rollup's events in [start_ms, end_ms), by quarter-hour bucket: the
// buckets that start in the range. Exact for windows on quarter hours
// (Claude's resets are on the hour); `report limits` sums the events.
RangeTotals RollupTotalsBetween(const UsageData& usage, int64_t start_ms,
                                int64_t end_ms) {
  RangeTotals t;
  for (const UsageRow& u : usage.rows) {
    if (u.bucket_start_ms < start_ms || u.bucket_start_ms >= end_ms) continue;
    t.tokens += u.tokens;
    t.cost_nano += u.cost_nano;
    t.events += u.events;
    t.unpriced_events += u.unpriced_events;
  }
  return t;
}

void OptionalTime(JsonWriter& w, std::string_view key,
                  const std::optional<int64_t>& ms) {
  w.Key(key);
  if (ms) {
    w.String(FormatIsoTimestampMs(*ms));
  } else {
    w.Null();
  }
}

// Any container of std::string: a vector, a set.
template <typename Strings>
void StringArray(JsonWriter& w, std::string_view key, const Strings& v) {
  w.Key(key).BeginArray();
  for (const std::string& s : v) w.String(s);
  w.EndArray();
}

void PeriodObject(JsonWriter& w, std::string_view key, const PeriodView& p) {
  w.Key(key).BeginObject().Field("label", p.label);
  Time(w, "start", p.start_ms);
  Time(w, "end", p.end_ms);
  w.Key("current");
  TotalsObject(w, p.current);
  w.Key("previous");
  TotalsObject(w, p.previous);
  w.Key("previousSoFar");
  TotalsObject(w, p.previous_so_far);
  StringArray(w, "unpricedModels", p.unpriced_models);
  w.EndObject();
}

}  // namespace

ApiResponse DashboardApi::Handle(const ApiRequest& r) const {
  if (r.path == "/healthz") {
    ApiResponse ok;
    ok.content_type = "text/plain; charset=utf-8";
    ok.body = src_.snapshot() ? "ok\n" : "starting\n";
    ok.status = src_.snapshot() ? 200 : 503;
    return ok;
  }
  if (r.path == "/metrics") return cc::Metrics(src_);
  if (src_.snapshot() == nullptr) {
    return Error(503, "the ledger is still being read; try again shortly");
  }
  if (r.path == "/api/overview") return Overview(r);
  if (r.path == "/api/series") return Series(r);
  if (r.path == "/api/breakdown") return Breakdown(r);
  if (r.path == "/api/session") return Session(r);
  if (r.path == "/api/health") return Health(r);
  if (r.path == "/api/telemetry") return Telemetry();
  if (r.path == "/api/limits") return Limits();
  if (r.path == "/api/budgets") return Budgets();
  return Error(404, "no such API: " + r.path);
}

ApiResponse DashboardApi::Overview(const ApiRequest& r) const {
  Result<TimeZone> zone = ZoneParam(r, src_.default_zone);
  if (!zone.ok()) return Error(400, zone.status().message());
  Result<int> week_start = WeekStartParam(r, src_.default_start_of_week);
  if (!week_start.ok()) return Error(400, week_start.status().message());
  std::shared_ptr<const DashboardSnapshot> s = src_.snapshot();
  ViewOptions o;
  o.zone = *zone;
  o.start_of_week = *week_start;
  o.now_ms = src_.now_ms();
  o.blocks_from_ms = s->blocks_from_ms;
  const cc::Overview v = BuildOverview(s->usage, o, *src_.prices);
  JsonWriter w(false);
  w.BeginObject()
      .Field("version", s->version)
      .Field("origin", s->origin)
      .Field("originTarget", s->origin_target)
      .Field("timezone", zone->name());
  Time(w, "now", o.now_ms);
  PeriodObject(w, "today", v.today);
  PeriodObject(w, "week", v.week);
  PeriodObject(w, "month", v.month);
  w.Key("allTime");
  TotalsObject(w, v.all_time);
  OptionalTime(w, "firstEventAt", v.first_ms);
  OptionalTime(w, "lastEventAt", v.last_ms);
  w.Key("block");
  if (v.block) {
    const BlockView& b = *v.block;
    w.BeginObject();
    Time(w, "start", b.start_ms);
    Time(w, "end", b.end_ms);
    Time(w, "lastEventAt", b.last_ms);
    w.Field("elapsedMinutes", (o.now_ms - b.start_ms) / 60'000)
        .Field("remainingMinutes", b.remaining_minutes);
    w.Key("totals");
    TotalsObject(w, b.totals);
    // null until the block has a pace (the first 10 minutes).
    w.Key("burnRate");
    if (b.burn) {
      w.BeginObject()
          .Key("tokensPerMinute")
          .Double(b.burn->tokens_per_minute)
          .Key("costPerHour")
          .Double(b.burn->cost_per_hour)
          .EndObject();
    } else {
      w.Null();
    }
    w.Key("projection");
    if (b.projection) {
      w.BeginObject()
          .Field("totalTokens", b.projection->total_tokens)
          .Key("totalCost")
          .Double(b.projection->total_cost)
          .EndObject();
    } else {
      w.Null();
    }
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("cache")
      .BeginObject()
      .Field("cacheReadTokens", v.cache.cache_read_tokens)
      .Field("inputSideTokens", v.cache.input_side_tokens)
      .Key("readShare")
      .Double(v.cache.read_share);
  Dollars(w, "savedUSD", v.cache.saved_nano);
  Dollars(w, "readSavingsUSD", v.cache.read_savings_nano);
  Dollars(w, "writePremiumUSD", v.cache.write_premium_nano);
  w.EndObject();
  StringArray(w, "models", v.models);
  StringArray(w, "sources", v.sources);
  StringArray(w, "unpricedModels", v.unpriced_models);
  OfficialLimits(w, s->official_latest);
  w.EndObject();
  return Json(w);
}

// Each official window of the last kOfficialHistoryMs with what the
// rollup counted inside it: report limits' rows, by quarter hour.
ApiResponse DashboardApi::Limits() const {
  std::shared_ptr<const DashboardSnapshot> s = src_.snapshot();
  const int64_t now = src_.now_ms();
  JsonWriter w(false);
  w.BeginObject().Field("version", s->version).Key("windows").BeginArray();
  for (const RateLimitWindow& win : s->official_windows) {
    const LimitWindowRow row = LimitRowOf(
        win, RollupTotalsBetween(s->usage, win.start_ms(), win.end_ms()), now);
    w.BeginObject().Field("window", RateLimitKindName(win.kind));
    Time(w, "startTime", win.start_ms());
    Time(w, "resetsAt", win.end_ms());
    w.Field("isActive", row.active).Key("peakPercentage").Double(win.peak_percentage);
    w.Field("readings", win.readings);
    TokenFields(w, row.totals.tokens);
    w.Field("events", row.totals.events);
    Dollars(w, "costUSD", row.totals.cost_nano);
    w.Field("unpricedEvents", row.totals.unpriced_events);
    OptionalDouble(w, "tokensPerPercent", row.tokens_per_percent);
    OptionalDouble(w, "costUSDPerPercent", row.dollars_per_percent);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return Json(w);
}

// Each budget now, in the zone and week the server was started with (the
// config's, as for `report budget`): a budget's period is the same for
// every viewer, so no tz or weekStart parameter.
ApiResponse DashboardApi::Budgets() const {
  std::shared_ptr<const DashboardSnapshot> s = src_.snapshot();
  const int64_t now = src_.now_ms();
  Result<std::vector<BudgetStatus>> statuses =
      src_.budgets ? src_.budgets(now)
                   : Status::NotSupported("this dashboard has no budgets");
  const bool available = statuses.ok() ||
                          statuses.status().code() != Status::Code::kNotSupported;
  if (available && !statuses.ok()) return Error(500, statuses.status().message());
  JsonWriter w(false);
  w.BeginObject()
      .Field("version", s->version)
      .Field("timezone", src_.default_zone.name());
  Time(w, "now", now);
  w.Field("available", available);
  w.Field("note", available ? std::string() : statuses.status().message());
  WriteBudgetsJson(w, available ? *statuses : std::vector<BudgetStatus>{}, src_.default_zone);
  w.EndObject();
  return Json(w);
}

ApiResponse DashboardApi::Series(const ApiRequest& r) const {
  Result<TimeZone> zone = ZoneParam(r, src_.default_zone);
  if (!zone.ok()) return Error(400, zone.status().message());
  Result<int> week_start = WeekStartParam(r, src_.default_start_of_week);
  if (!week_start.ok()) return Error(400, week_start.status().message());
  const std::optional<SeriesBucket> bucket =
      ParseSeriesBucket(Param(r, "bucket", "day"));
  if (!bucket) return Error(400, "bucket: hour, day or week");
  const int64_t now = src_.now_ms();
  const int64_t span = *bucket == SeriesBucket::kHour  ? 2 * kDayMs
                       : *bucket == SeriesBucket::kDay ? 30 * kDayMs
                                                       : 26 * 7 * kDayMs;
  std::shared_ptr<const DashboardSnapshot> s = src_.snapshot();
  // By default the span up to now, or up to the last event when the
  // ledger has nothing that recent (a history from last year still shows).
  int64_t to = now + 1;
  if (s->last_event_ms && *s->last_event_ms < now - span) {
    to = *s->last_event_ms + 1;
  }
  int64_t from = to - span;
  if (Status st = RangeParams(r, *zone, &from, &to); !st.ok()) return Error(400, st.message());
  ViewOptions o;
  o.zone = *zone;
  o.start_of_week = *week_start;
  o.now_ms = now;
  Result<SeriesView> v = BuildSeries(s->usage, o, *bucket, from, to);
  if (!v.ok()) return Error(400, v.status().message());
  JsonWriter w(false);
  w.BeginObject()
      .Field("version", s->version)
      .Field("bucket", ToString(v->bucket))
      .Field("timezone", zone->name());
  w.Key("starts").BeginArray();
  for (int64_t t : v->starts_ms) w.Int(t);
  w.EndArray();
  w.Key("models").BeginArray();
  for (size_t m = 0; m < v->models.size(); ++m) {
    w.BeginObject().Field("model", v->models[m]);
    w.Key("tokens").BeginArray();
    for (const UsageTotals& t : v->by_model[m]) w.Uint(t.tokens.Total());
    w.EndArray();
    w.Key("costUSD").BeginArray();
    for (const UsageTotals& t : v->by_model[m]) w.Number(DollarsJsonNumber(t.cost_nano));
    w.EndArray();
    w.Key("events").BeginArray();
    for (const UsageTotals& t : v->by_model[m]) w.Uint(t.events);
    w.EndArray();
    w.Key("unpricedEvents").BeginArray();
    for (const UsageTotals& t : v->by_model[m]) w.Uint(t.unpriced_events);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray().EndObject();
  return Json(w);
}

ApiResponse DashboardApi::Breakdown(const ApiRequest& r) const {
  Result<TimeZone> zone = ZoneParam(r, src_.default_zone);
  if (!zone.ok()) return Error(400, zone.status().message());
  BreakdownQuery q;
  const std::optional<BreakdownBy> by = ParseBreakdownBy(Param(r, "by", "project"));
  if (!by) return Error(400, "by: project, model, source or session");
  q.by = *by;
  const std::optional<BreakdownSort> sort =
      ParseBreakdownSort(Param(r, "sort", "cost"));
  if (!sort) return Error(400, "sort: cost, tokens, events, last or name");
  q.sort = *sort;
  const std::string order = Param(r, "order", "desc");
  if (order != "asc" && order != "desc") return Error(400, "order: asc or desc");
  q.descending = order == "desc";
  if (Status st = RangeParams(r, *zone, &q.from_ms, &q.to_ms); !st.ok()) {
    return Error(400, st.message());
  }
  q.search = Param(r, "q");
  if (q.search.size() > 200) return Error(400, "q: at most 200 bytes");
  Result<size_t> limit = CountParam(r, "limit", 100, 1, kMaxBreakdownRows);
  if (!limit.ok()) return Error(400, limit.status().message());
  Result<size_t> offset = CountParam(r, "offset", 0, 0, 100'000'000);
  if (!offset.ok()) return Error(400, offset.status().message());
  q.limit = *limit;
  q.offset = *offset;
  std::shared_ptr<const DashboardSnapshot> s = src_.snapshot();
  q.projects = s->projects.get();
  const BreakdownView v = BuildBreakdown(s->usage, q);
  JsonWriter w(false);
  w.BeginObject()
      .Field("version", s->version)
      .Field("by", Param(r, "by", "project"))
      .Field("totalRows", static_cast<uint64_t>(v.total_rows));
  w.Key("rows").BeginArray();
  for (const BreakdownRow& row : v.rows) {
    w.BeginObject().Field("name", row.name);
    // "project" and "name" stay the folder (the API's key); the path to
    // show is projectName.
    if (q.by == BreakdownBy::kProject) {
      w.Field("projectName", s->projects->Display(row.name));
    }
    if (q.by == BreakdownBy::kSession) {
      w.Field("project", row.project)
          .Field("projectName", s->projects->Display(row.project));
    }
    Time(w, "firstAt", row.first_ms);
    Time(w, "lastAt", row.last_ms);
    StringArray(w, "models", row.models);
    w.Key("totals");
    TotalsObject(w, row.totals);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return Json(w);
}

ApiResponse DashboardApi::Session(const ApiRequest& r) const {
  const std::string id = Param(r, "id");
  if (id.empty() || id.size() > 200) return Error(400, "id: a session id");
  Result<size_t> limit =
      CountParam(r, "limit", kMaxSessionEvents, 1, kMaxSessionEvents);
  if (!limit.ok()) return Error(400, limit.status().message());
  // One more than asked, to say whether the list was cut.
  Result<std::vector<SessionEvent>> events = src_.session_events(id, *limit + 1);
  if (!events.ok()) return Error(500, events.status().message());
  if (events->empty()) return Error(404, "no such session: " + id);
  const bool truncated = events->size() > *limit;
  if (truncated) events->pop_back();
  // A cut list's sum is not the session's: then its totals come from the
  // snapshot's rollup (every event of the session).
  UsageTotals totals;
  std::shared_ptr<const DashboardSnapshot> s = src_.snapshot();
  if (truncated) {
    for (const UsageRow& u : s->usage.rows) {
      if (s->usage.dim(u).session_id == id) totals.Add(u);
    }
  }
  JsonWriter w(false);
  w.BeginObject()
      .Field("session", id)
      .Field("project", events->front().project)
      .Field("projectName", s->projects->Display(events->front().project))
      .Field("truncated", truncated);
  w.Key("requests").BeginArray();
  for (const SessionEvent& e : *events) {
    w.BeginObject();
    Time(w, "at", e.timestamp_ms);
    w.Field("key", e.key)
        .Field("model", e.model)
        .Field("source", e.source)
        .Field("sidechain", e.is_sidechain);
    TokenFields(w, e.tokens);
    w.Field("priced", e.priced);
    Dollars(w, "costUSD", e.cost_nano);
    w.EndObject();
    if (truncated) continue;
    totals.tokens += e.tokens;
    totals.cost_nano += e.cost_nano;
    totals.events += 1;
    totals.unpriced_events += e.priced ? 0 : 1;
  }
  w.EndArray();
  w.Key("totals");
  TotalsObject(w, totals);
  w.EndObject();
  return Json(w);
}

ApiResponse DashboardApi::Health(const ApiRequest&) const {
  std::shared_ptr<const DashboardSnapshot> s = src_.snapshot();
  const int64_t now = src_.now_ms();
  const LedgerSummary& h = s->health;
  JsonWriter w(false);
  w.BeginObject()
      .Field("version", s->version)
      .Field("program", src_.version)
      .Field("origin", s->origin)
      .Field("originTarget", s->origin_target);
  Time(w, "snapshotAt", s->loaded_ms);
  w.Key("files")
      .BeginObject()
      .Field("active", h.files_active)
      .Field("gone", h.files_gone)
      .EndObject();
  w.Key("lastRun");
  if (h.last_run) {
    const RunInfo& run = *h.last_run;
    const bool running =
        !run.finished_ms && now - run.heartbeat_ms < 30'000;
    w.BeginObject()
        .Field("mode", run.mode)
        .Field("pid", run.pid)
        .Field("source", run.source)
        .Field("running", running)
        .Field("result", running || run.finished_ms ? run.result
                                                     : std::string("stopped"));
    Time(w, "startedAt", run.started_ms);
    Time(w, "heartbeatAt", run.heartbeat_ms);
    const int64_t last_sync = run.LastPassMs();
    Time(w, "lastSyncAt", last_sync);
    w.Field("secondsSinceLastSync", std::max<int64_t>(0, (now - last_sync) / 1000))
        .Field("error", run.error)
        .EndObject();
  } else {
    w.Null();
  }
  w.Key("backlog");
  if (s->backlog) {
    const int64_t last_sync = h.last_run ? h.last_run->LastPassMs() : s->loaded_ms;
    w.BeginObject()
        .Field("unreadBytes", s->backlog->unread_bytes)
        .Field("filesBehind", s->backlog->files_behind)
        .Field("filesMissing", s->backlog->files_missing)
        .Field("unfinishedBytes", s->backlog->unfinished_bytes)
        .Field("filesUnfinished", static_cast<uint64_t>(s->backlog->unfinished.size()))
        .Field("lagMs", BacklogLagMs(*s->backlog, last_sync, now))
        .EndObject();
  } else {
    w.Null();
  }
  w.Key("rejects").BeginObject().Field("lines", h.rejects);
  w.Key("byReason").BeginArray();
  for (const auto& [reason, n] : h.reject_reasons) {
    w.BeginObject().Field("reason", reason).Field("lines", n).EndObject();
  }
  w.EndArray();
  // Where each rejected line is and why, never its bytes (j.head): a line
  // may hold anything, private text included, and this is served over HTTP.
  w.Key("recent").BeginArray();
  for (const Reject& j : s->recent_rejects) {
    w.BeginObject()
        .Field("file", j.file)
        .Field("offset", j.offset)
        .Field("length", j.length)
        .Field("reason", j.reason)
        .Field("lines", j.lines)
        .EndObject();
  }
  w.EndArray().EndObject();
  w.Key("alertDeliveries");
  if (s->alert_deliveries) {
    AlertHealthJson(w, *s->alert_deliveries);
  } else {
    w.Null();
  }
  w.Key("shipping");
  if (s->shipping) {
    const ShipState& st = *s->shipping;
    w.BeginObject()
        .Field("target", st.target)
        .Field("status", st.status.empty() ? std::string("never run") : st.status)
        .Field("rowsPending", st.pending_events)
        .Field("batchesFrozen", st.batches)
        .Field("rejectedRows", st.rejected_rows)
        .Field("lastError", st.last_error);
    OptionalTime(w, "lastSuccessAt", st.last_success_ms);
    OptionalTime(w, "oldestPendingAt", st.oldest_pending_ms);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
  return Json(w);
}

ApiResponse DashboardApi::Telemetry() const {
  std::shared_ptr<const DashboardSnapshot> s = src_.snapshot();
  JsonWriter w(false);
  w.BeginObject().Field("version", s->version).Key("telemetry");
  if (!s->telemetry) {
    w.Null().EndObject();
    return Json(w);
  }
  const TelemetryOverview& t = *s->telemetry;
  w.BeginObject()
      .Field("requests", t.requests)
      .Field("exactEvents", t.exact_events)
      .Field("lowerBoundEvents", t.events - t.exact_events)
      .Field("events", t.events);
  w.Key("latency").BeginArray();
  for (const TelemetryOverview::Latency& l : t.latency) {
    w.BeginObject()
        .Field("model", l.model)
        .Field("requests", l.requests)
        .Field("p50Ms", l.p50_ms)
        .Field("p95Ms", l.p95_ms)
        .EndObject();
  }
  w.EndArray();
  w.Key("errorsByStatus").BeginArray();
  for (const auto& [status, n] : t.errors_by_status) {
    w.BeginObject().Field("status", status).Field("errors", n).EndObject();
  }
  w.EndArray();
  w.Key("costs")
      .BeginObject()
      .Field("requests", t.priced_requests)
      .Key("claudeCodeUSD")
      .Double(t.claude_cost_usd);
  Dollars(w, "oursUSD", t.our_cost_nano);
  w.EndObject().EndObject().EndObject();
  return Json(w);
}

}  // namespace cc
