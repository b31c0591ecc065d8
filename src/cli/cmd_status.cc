// bridge sync-status: what the ledger knows, from any process.
#include <signal.h>

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "alert/alert_health_json.h"
#include "alert/alert_queue.h"
#include "cli/commands.h"
#include "cli/duration_text.h"
#include "cli/plural.h"
#include "core/civil_time.h"
#include "core/clock.h"
#include "cli/json_fields.h"
#include "core/json_writer.h"
#include "core/terminal_text.h"
#include "ledger/ledger_reader.h"
#include "report/report_render.h"
#include "sync/backlog.h"

namespace cc::cli {
namespace {

// A run still marked running whose process is gone was killed.
std::string EffectiveResult(const RunInfo& run) {
  if (run.result != "running") return run.result;
  if (kill(static_cast<pid_t>(run.pid), 0) != 0 && errno == ESRCH) {
    return "interrupted";
  }
  return "running";
}

void TokensJson(JsonWriter& w, const Tokens& t) {
  w.BeginObject()
      .Field("inputTokens", t.input)
      .Field("outputTokens", t.output)
      .Field("cacheCreationTokens", t.cache_creation)
      .Field("cacheCreation5mTokens", t.cache_creation_5m)
      .Field("cacheCreation1hTokens", t.cache_creation_1h)
      .Field("cacheReadTokens", t.cache_read)
      .Field("totalTokens", t.Total())
      .Field("webSearchRequests", t.web_search_requests)
      .Field("webFetchRequests", t.web_fetch_requests)
      .EndObject();
}

// Rejected lines listed: in the text, and in --json.
constexpr size_t kRejectsShown = 5;
constexpr size_t kRejectsListed = 100;

int64_t NowMs() {
  return SystemClock().NowMs();
}

std::string Ago(int64_t then_ms) {
  int64_t seconds = std::max<int64_t>(0, (NowMs() - then_ms) / 1000);
  return std::to_string(seconds) + " s ago";
}

int64_t LagMs(const RunInfo& r, const Backlog& b) {
  return BacklogLagMs(b, r.LastPassMs(), NowMs());
}

void RunJson(JsonWriter& w, const RunInfo& r, const Backlog& b) {
  w.BeginObject()
      .Field("id", r.id)
      .Field("mode", r.mode)
      .Field("pid", r.pid)
      .Field("source", r.source)
      .Field("startedAt", FormatIsoTimestampMs(r.started_ms))
      .Field("heartbeatAt", FormatIsoTimestampMs(r.heartbeat_ms));
  w.Key("finishedAt");
  if (r.finished_ms) {
    w.String(FormatIsoTimestampMs(*r.finished_ms));
    w.Field("durationMs", *r.finished_ms - r.started_ms);
  } else {
    w.Null();
  }
  w.Key("lastSyncAt");
  if (r.last_sync_ms) w.String(FormatIsoTimestampMs(*r.last_sync_ms));
  else w.Null();
  w.Field("lagMs", LagMs(r, b));
  w.Field("result", EffectiveResult(r)).Field("error", r.error);
  RunCounterFields(w, r.counters);
  w.EndObject();
}

// Shipping is described when it is configured or has ever run.
bool ShowShipping(const Context& ctx, const ShipState& ship) {
  return ctx.clickhouse.has_value() || !ship.status.empty();
}

std::string ShipTarget(const Context& ctx, const ShipState& ship) {
  return ctx.clickhouse ? ctx.clickhouse->Redacted() : ship.target;
}

void ShippingJson(JsonWriter& w, const Context& ctx, const ShipState& ship,
                  int64_t now_ms) {
  w.Key("shipping");
  if (!ShowShipping(ctx, ship)) {
    w.Null();
    return;
  }
  w.BeginObject()
      .Field("target", ShipTarget(ctx, ship))
      .Field("status", ship.status.empty() ? "never run" : ship.status)
      .Field("rowsPending", ship.pending_events)
      .Field("batchesFrozen", ship.batches)
      .Field("rowsRejected", ship.rejected_rows)
      .Field("lastError", ship.last_error);
  w.Key("lastSuccessAt");
  if (ship.last_success_ms) {
    w.String(FormatIsoTimestampMs(*ship.last_success_ms));
  } else {
    w.Null();
  }
  w.Key("oldestPendingSeconds");
  if (ship.oldest_pending_ms) {
    w.Int((now_ms - *ship.oldest_pending_ms) / 1000);
  } else {
    w.Null();
  }
  w.EndObject();
}

std::string ShippingText(const Context& ctx, const ShipState& ship,
                         int64_t now_ms) {
  if (!ShowShipping(ctx, ship)) {
    return "shipping: not configured (--clickhouse URL ships the ledger to a "
           "team's ClickHouse)\n";
  }
  std::string out = "shipping: to " + TerminalSafe(ShipTarget(ctx, ship)) +
                    ", " +
                    (ship.status.empty() ? "never run" : TerminalSafe(ship.status));
  if (ship.last_success_ms) {
    out += ", last success " + FormatIsoTimestampMs(*ship.last_success_ms);
  }
  out += "\n          " + WithThousands(ship.pending_events) + " rows pending";
  if (ship.oldest_pending_ms) {
    out += " (oldest " +
           WithThousands(static_cast<uint64_t>(
               std::max<int64_t>(0, now_ms - *ship.oldest_pending_ms) / 1000)) +
           " s)";
  }
  out += ", " + WithThousands(ship.rejected_rows) + " rows refused\n";
  if (!ship.last_error.empty()) {
    out += "          last error: " + TerminalSafe(ship.last_error) + "\n";
  }
  return out;
}

std::string StatusJson(const Context& ctx, const LedgerSummary& s,
                       const std::vector<Reject>& rejects,
                       const Backlog& b, const ShipState& ship,
                       const std::vector<TelemetryMetricTotal>& metrics,
                       const AlertDeliveryHealth& alerts, int64_t now_ms) {
  JsonWriter w;
  w.BeginObject()
      .Field("ledger", ctx.ledger_path)
      .Key("files").BeginObject()
      .Field("active", s.files_active)
      .Field("gone", s.files_gone)
      .Field("unreadBytes", b.unread_bytes)
      .Field("filesBehind", b.files_behind)
      .Field("filesMissing", b.files_missing)
      .Field("unfinishedBytes", b.unfinished_bytes);
  w.Key("unfinishedLines").BeginArray();
  for (const UnfinishedLine& u : b.unfinished) {
    w.BeginObject()
        .Field("file", u.file)
        .Field("offset", u.offset)
        .Field("bytes", u.bytes)
        .Field("modifiedAt", FormatIsoTimestampMs(u.modified_ms))
        .EndObject();
  }
  w.EndArray()
      .EndObject()
      .Field("events", s.events);
  w.Key("tokens");
  TokensJson(w, s.tokens);
  w.Key("costUSD").Number(DollarsJsonNumber(s.cost_nano));
  w.Field("unpricedEvents", s.unpriced_events);
  w.Key("firstEventAt");
  if (s.first_event_ms) w.String(FormatIsoTimestampMs(*s.first_event_ms));
  else w.Null();
  w.Key("lastEventAt");
  if (s.last_event_ms) w.String(FormatIsoTimestampMs(*s.last_event_ms));
  else w.Null();
  w.Key("rejects").BeginObject().Field("lines", s.rejects).Key("byReason")
      .BeginArray();
  for (const auto& [reason, n] : s.reject_reasons) {
    w.BeginObject().Field("reason", reason).Field("lines", n).EndObject();
  }
  w.EndArray();
  // Where each is: the file, the byte it starts at and its first bytes
  // (this machine's own data, for its user; the dashboard omits them).
  w.Key("recent").BeginArray();
  for (const Reject& r : rejects) {
    w.BeginObject()
        .Field("file", r.file)
        .Field("offset", r.offset)
        .Field("length", r.length)
        .Field("lines", r.lines)
        .Field("reason", r.reason)
        .Field("head", r.head)
        .EndObject();
  }
  w.EndArray().EndObject();
  w.Key("lastRun");
  if (s.last_run) RunJson(w, *s.last_run, b);
  else w.Null();
  ShippingJson(w, ctx, ship, now_ms);
  w.Key("alertDeliveries");
  AlertHealthJson(w, alerts);
  w.Key("telemetry")
      .BeginObject()
      .Field("requests", s.telemetry_requests)
      .Field("errors", s.telemetry_errors)
      .Field("metricPoints", s.telemetry_points)
      .Field("exactEvents", s.exact_events)
      .Field("lowerBoundEvents", s.events - s.exact_events);
  w.Key("lastReceivedAt");
  if (s.telemetry_last_ms) w.String(FormatIsoTimestampMs(*s.telemetry_last_ms));
  else w.Null();
  w.Key("metrics").BeginArray();
  for (const TelemetryMetricTotal& m : metrics) {
    w.BeginObject()
        .Field("metric", m.metric)
        .Field("attributes", m.attributes)
        .Key("total")
        .Double(m.total)
        .Field("points", m.points)
        .Field("restarts", m.restarts)
        .EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return w.Finish();
}

// The latest rejected lines: where each is, why, and how it begins
// (escaped: a line may hold anything).
std::string RejectsText(const std::vector<Reject>& rejects, uint64_t total) {
  if (rejects.empty()) return "";
  std::string out = "         latest, where they are:\n";
  size_t shown = 0;
  for (const Reject& r : rejects) {
    if (shown == kRejectsShown) break;
    ++shown;
    out += "         " + TerminalSafe(r.file) + " at byte " +
           WithThousands(r.offset);
    if (r.lines > 1) out += " (" + Counted(r.lines, "line", "lines") + ")";
    out += ": " + TerminalSafe(r.reason) + "\n";
    if (!r.head.empty()) {
      std::string head = TerminalSafe(r.head);
      out += "           begins " + head +
             (r.head.size() + 1 < r.length ? "..." : "") + "\n";
    }
  }
  uint64_t listed = 0;
  for (size_t i = 0; i < shown; ++i) listed += rejects[i].lines;
  if (total > listed) {
    out += "         and " + Counted(total - listed, "more line", "more lines") +
           " (`bridge sync-status --json` lists the latest " +
           std::to_string(kRejectsListed) + " places)\n";
  }
  return out;
}

// Last lines without their newline: where they are, and that they are not
// lag (at most kShown files; --json lists them all).
std::string UnfinishedText(const Backlog& b) {
  if (b.unfinished.empty()) return "";
  constexpr size_t kShown = 5;
  const size_t n = b.unfinished.size();
  std::string out = "unfinished: " + WithThousands(n) +
                    (n == 1 ? " file ends" : " files end") +
                    " in a line without its newline (" +
                    WithThousands(b.unfinished_bytes) +
                    " bytes; read once it is finished; not counted as lag):\n";
  for (size_t i = 0; i < n && i < kShown; ++i) {
    const UnfinishedLine& u = b.unfinished[i];
    out += "         " + TerminalSafe(u.file) + " at byte " +
           WithThousands(u.offset) + ", " + WithThousands(u.bytes) +
           " bytes, last written " +
           DurationText(NowMs() - u.modified_ms) + " ago\n";
  }
  if (n > kShown) {
    out += "         and " + WithThousands(n - kShown) + " more (--json lists them)\n";
  }
  return out;
}

// "running since ..., pid ..., last sync ..., lag ..." for a live run.
std::string RunningText(const RunInfo& r, const Backlog& b) {
  std::string out = "running:  " + TerminalSafe(r.mode) + " since " +
                    FormatIsoTimestampMs(r.started_ms) + ", pid " +
                    std::to_string(r.pid) + "\n";
  out += "          last sync " +
         (r.last_sync_ms ? FormatIsoTimestampMs(*r.last_sync_ms) + " (" +
                               Ago(*r.last_sync_ms) + ")"
                         : std::string("not yet")) +
         ", heartbeat " + Ago(r.heartbeat_ms) + ", lag " +
         std::to_string(LagMs(r, b)) + " ms\n";
  out += "          " + WithThousands(r.counters.events_new) + " new / " +
         Counted(r.counters.events_updated, "updated event", "updated events") +
         ", " + Counted(r.counters.bytes_read, "byte", "bytes") + " read, " +
         Counted(r.counters.rejects, "rejected line", "rejected lines") +
         " so far\n";
  return out;
}

// The webhook's and the command's deliveries: how many wait, fail, were
// given up; the latest failure (redacted when stored).
std::string AlertsText(const AlertDeliveryHealth& h) {
  if (h.pending + h.given_up + h.delivered == 0) {
    return "alerts:  no deliveries (docs/budgets.md sets up a webhook or a command)\n";
  }
  std::string out = "alerts:  " + WithThousands(h.delivered) + " delivered, " +
                    WithThousands(h.pending) + " pending";
  if (h.failing > 0) {
    out += " (" + WithThousands(h.failing) + " failing";
    if (h.next_attempt_ms) out += ", next try " + FormatIsoTimestampMs(*h.next_attempt_ms);
    out += ")";
  }
  out += ", " + WithThousands(h.given_up) + " given up\n";
  if (!h.last_error.empty()) {
    out += "         last error (" + TerminalSafe(h.last_error_channel) + ", alert " +
           TerminalSafe(h.last_error_alert) + "): " + TerminalSafe(h.last_error) + "\n";
  }
  return out;
}

std::string StatusText(const Context& ctx, const LedgerSummary& s,
                       const std::vector<Reject>& rejects,
                       const Backlog& b, const ShipState& ship,
                       const AlertDeliveryHealth& alerts, int64_t now_ms) {
  std::string out = "ledger:  " + TerminalSafe(ctx.ledger_path) + "\n";
  out += "files:   " + WithThousands(s.files_active) + " tracked, " +
         WithThousands(s.files_gone) + " gone (deleted; their events are kept)\n";
  out += "unread:  " + Counted(b.unread_bytes, "byte", "bytes") + " in " +
         Counted(b.files_behind, "file", "files");
  if (b.files_missing > 0) {
    out += " (" + Counted(b.files_missing, "tracked file is", "tracked files are") +
           " gone since the last sync)";
  }
  out += "\n";
  out += UnfinishedText(b);
  out += "events:  " + WithThousands(s.events);
  if (s.first_event_ms && s.last_event_ms) {
    out += " (" + FormatIsoTimestampMs(*s.first_event_ms) + " .. " +
           FormatIsoTimestampMs(*s.last_event_ms) + ")";
  }
  out += "\ntokens:  input " + WithThousands(s.tokens.input) + ", output " +
         WithThousands(s.tokens.output) + ", cache create " +
         WithThousands(s.tokens.cache_creation) + ", cache read " +
         WithThousands(s.tokens.cache_read) + ", total " +
         WithThousands(s.tokens.Total()) + "\n";
  out += "cost:    " + FormatDollars(s.cost_nano, 2);
  if (s.unpriced_events > 0) {
    out += " (+ " + Counted(s.unpriced_events, "request", "requests") +
           " of models without a price)";
  }
  out += "\n";
  out += "rejects: " + Counted(s.rejects, "line", "lines") + "\n";
  for (const auto& [reason, n] : s.reject_reasons) {
    out += "         " + WithThousands(n) + "  " + TerminalSafe(reason) + "\n";
  }
  out += RejectsText(rejects, s.rejects);
  out += ShippingText(ctx, ship, now_ms);
  out += AlertsText(alerts);
  if (s.telemetry_requests + s.telemetry_errors + s.telemetry_points == 0) {
    out += "telemetry: none received (`context-cleaner telemetry init` sets Claude Code up)\n";
  } else {
    out += "telemetry: " + Counted(s.telemetry_requests, "request", "requests") +
           ", " + Counted(s.telemetry_errors, "error", "errors") + ", " +
           Counted(s.telemetry_points, "metric point", "metric points") + "; " +
           WithThousands(s.exact_events) + " of " +
           Counted(s.events, "event", "events") +
           " exact (the rest lower bounds)\n";
  }
  if (!s.last_run) return out + "last run: none\n";
  const RunInfo& r = *s.last_run;
  std::string result = EffectiveResult(r);
  if (result == "running") return out + RunningText(r, b);
  out += "last run: " + TerminalSafe(r.mode) + " by pid " +
         std::to_string(r.pid) + " at " +
         FormatIsoTimestampMs(r.started_ms) + ", ";
  if (r.finished_ms) {
    out += std::to_string(*r.finished_ms - r.started_ms) + " ms, ";
  }
  out += result;
  if (!r.error.empty()) out += " (" + TerminalSafe(r.error) + ")";
  out += "\n          " +
         Counted(r.counters.files_scanned, "file", "files") + " scanned, " +
         Counted(r.counters.bytes_read, "byte", "bytes") + " read, " +
         WithThousands(r.counters.events_new) + " new / " +
         Counted(r.counters.events_updated, "updated event", "updated events") +
         ", " + Counted(r.counters.rejects, "rejected line", "rejected lines") +
         "\n";
  return out;
}

}  // namespace

int RunSyncStatus(const Context& ctx, const ParsedArgs& args) {
  Result<std::unique_ptr<LedgerReader>> ledger =
      LedgerReader::Open(ctx.ledger_path, ctx.prices.get());
  if (!ledger.ok()) return ErrorExit(ledger.status());
  Result<LedgerSummary> summary = (*ledger)->Summary();
  if (!summary.ok()) return ErrorExit(summary.status());
  Result<Backlog> backlog = MeasureBacklog(**ledger);
  if (!backlog.ok()) return ErrorExit(backlog.status());
  Result<std::vector<Reject>> rejects = (*ledger)->RecentRejects(kRejectsListed);
  if (!rejects.ok()) return ErrorExit(rejects.status());
  Result<ShipState> ship = (*ledger)->ShippingState();
  if (!ship.ok()) return ErrorExit(ship.status());
  Result<std::vector<TelemetryMetricTotal>> metrics =
      (*ledger)->TelemetryMetricTotals();
  if (!metrics.ok()) return ErrorExit(metrics.status());
  Result<std::unique_ptr<AlertQueue>> queue = AlertQueue::OpenReadOnly(ctx.ledger_path);
  if (!queue.ok()) return ErrorExit(queue.status());
  Result<AlertDeliveryHealth> alerts = (*queue)->Health();
  if (!alerts.ok()) return ErrorExit(alerts.status());
  const int64_t now_ms = SystemClock().NowMs();
  PrintOut(args.Has("--json")
               ? StatusJson(ctx, *summary, *rejects, *backlog, *ship,
                            *metrics, *alerts, now_ms)
               : StatusText(ctx, *summary, *rejects, *backlog, *ship, *alerts,
                            now_ms));
  return kExitOk;
}

}  // namespace cc::cli
