// Ledger: Claude Code's OpenTelemetry (ledger.h, "Telemetry").
#include <string>

#include "ledger/ledger.h"
#include "ledger/meta.h"
#include "ledger/sqlite_db.h"

namespace cc {
namespace {

constexpr const char* kInsertRequest = R"sql(
INSERT OR IGNORE INTO otel_requests(key, request_id, session_id, account_uuid,
  organization_id, user_email, terminal_type, app_version, model, speed,
  input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,
  cost_usd, duration_ms, event_ms, received_ms, source)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
  ?17, ?18, ?19))sql";

constexpr const char* kInsertError = R"sql(
INSERT OR IGNORE INTO otel_errors(key, request_id, session_id, model,
  status_code, error, attempt, duration_ms, event_ms, received_ms, source)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11))sql";

constexpr const char* kInsertPoint = R"sql(
INSERT OR IGNORE INTO otel_metric_points(key, metric, attributes, cumulative,
  start_ns, time_ns, value, received_ms)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql";

// The event a telemetry request stands for, in the ledger's terms.
Event EventOf(const TelemetryRequest& r) {
  Event e;
  e.key = "otel:" + (r.request_id.empty() ? r.key : r.request_id);
  e.tokens = r.tokens;
  e.attributes.session_id = r.session_id;
  e.attributes.model = r.model;
  e.attributes.speed = r.speed;
  e.attributes.version = r.app_version;
  e.first = Provenance{r.event_ms, kTelemetryProvenance, 0};
  return e;
}

}  // namespace

Result<TelemetryStats> Ledger::CommitTelemetry(const TelemetryBatch& batch,
                                               const std::string& source,
                                               int64_t now_ms) {
  TelemetryStats stats;
  Status s = sql::InTransaction(*db_, [&]() -> Status {
    stats = TelemetryStats{};
    if (Status bs = BeginChanges(); !bs.ok()) return bs;
    sql::Statement insert(db_->handle(), kInsertRequest);
    CommitStats merge_stats;
    for (const TelemetryRequest& r : batch.requests) {
      insert.Bind(1, r.key)
          .Bind(2, r.request_id)
          .Bind(3, r.session_id)
          .Bind(4, r.account_uuid)
          .Bind(5, r.organization_id)
          .Bind(6, r.user_email)
          .Bind(7, r.terminal_type)
          .Bind(8, r.app_version)
          .Bind(9, r.model)
          .Bind(10, r.speed)
          .Bind(11, r.tokens.input)
          .Bind(12, r.tokens.output)
          .Bind(13, r.tokens.cache_read)
          .Bind(14, r.tokens.cache_creation)
          .Bind(15, r.cost_usd)
          .Bind(16, r.duration_ms)
          .Bind(17, r.event_ms)
          .Bind(18, now_ms)
          .Bind(19, source);
      if (Status is = insert.Run(); !is.ok()) return is;
      // A request id seen before: an exporter's retry, or another record
      // of the request. Its row stays as first received (the table only
      // grows, and ships by rowid); its event takes each count's maximum,
      // as for transcript lines, so a retry changes nothing and a larger
      // count wins. A record keyed by its content is its only copy.
      const bool repeated = db_->Changes() == 0;
      if (repeated) {
        ++stats.requests_repeated;
        if (r.request_id.empty()) continue;
      } else {
        ++stats.requests_new;
      }
      Event e = EventOf(r);
      Result<std::optional<std::string>> existing =
          r.request_id.empty() ? Result<std::optional<std::string>>(std::nullopt)
                               : EventKeyOfRequest(r.request_id);
      if (!existing.ok()) return existing.status();
      if (*existing) {
        e.key = **existing;
        if (!repeated && e.key.rfind("otel:", 0) != 0) ++stats.events_reconciled;
      } else if (!repeated) {
        ++stats.events_telemetry_only;
      }
      Result<bool> merged = MergeEvent(e, source, now_ms, &merge_stats,
                                       AttributePolicy::kKeep);
      if (!merged.ok()) return merged.status();
      if (repeated && !*merged) continue;  // Already exact, and unchanged.
      if (Status ms = MarkExact(e.key); !ms.ok()) return ms;
    }
    sql::Statement error(db_->handle(), kInsertError);
    for (const TelemetryError& r : batch.errors) {
      error.Bind(1, r.key)
          .Bind(2, r.request_id)
          .Bind(3, r.session_id)
          .Bind(4, r.model)
          .Bind(5, r.status_code)
          .Bind(6, r.error)
          .Bind(7, r.attempt)
          .Bind(8, r.duration_ms)
          .Bind(9, r.event_ms)
          .Bind(10, now_ms)
          .Bind(11, source);
      if (Status es = error.Run(); !es.ok()) return es;
      stats.errors_new += static_cast<uint64_t>(db_->Changes());
    }
    sql::Statement point(db_->handle(), kInsertPoint);
    for (const TelemetryPoint& p : batch.points) {
      point.Bind(1, p.key)
          .Bind(2, p.metric)
          .Bind(3, p.attributes)
          .Bind(4, int64_t{p.cumulative ? 1 : 0})
          .Bind(5, p.start_ns)
          .Bind(6, p.time_ns)
          .Bind(7, p.value)
          .Bind(8, now_ms);
      if (Status ps = point.Run(); !ps.ok()) return ps;
      stats.points_new += static_cast<uint64_t>(db_->Changes());
    }
    return EndChanges();
  });
  EndTap(s);
  if (!s.ok()) return s;
  return stats;
}

Result<TelemetryOverview> Ledger::TelemetryOverviewOf() {
  TelemetryOverview v;
  Result<int64_t> requests = db_->QueryInt("SELECT COUNT(*) FROM otel_requests");
  if (!requests.ok()) return requests.status();
  v.requests = static_cast<uint64_t>(*requests);
  {
    // Both from indexes (events_exact, and the smallest for COUNT(*)).
    sql::Statement st(db_->handle(),
                      "SELECT (SELECT COUNT(*) FROM events WHERE exact = 1), "
                      "(SELECT COUNT(*) FROM events)");
    Result<bool> row = st.Step();
    if (!row.ok()) return row.status();
    v.exact_events = st.Uint(0);
    v.events = st.Uint(1);
  }
  {
    sql::Statement st(db_->handle(), R"sql(
      SELECT model, duration_ms FROM otel_requests ORDER BY model, duration_ms)sql");
    std::vector<int64_t> durations;
    std::string model;
    auto close = [&] {
      if (durations.empty()) return;
      auto at = [&](double q) {
        return durations[static_cast<size_t>(q * static_cast<double>(durations.size() - 1) + 0.5)];
      };
      v.latency.push_back({model, durations.size(), at(0.5), at(0.95)});
      durations.clear();
    };
    for (;;) {
      Result<bool> row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (st.Text(0) != model) {
        close();
        model = st.Text(0);
      }
      durations.push_back(st.Int(1));
    }
    close();
  }
  {
    sql::Statement st(db_->handle(), R"sql(
      SELECT status_code, COUNT(*) AS n FROM otel_errors GROUP BY status_code
      ORDER BY n DESC, status_code)sql");
    for (;;) {
      Result<bool> row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      v.errors_by_status.emplace_back(st.Text(0), st.Uint(1));
    }
  }
  {
    sql::Statement st(db_->handle(), R"sql(
      SELECT COUNT(*), COALESCE(SUM(r.cost_usd), 0), COALESCE(SUM(e.cost_nano), 0)
      FROM otel_requests r JOIN events e
        ON instr(e.key, ':') > 0 AND substr(e.key, instr(e.key, ':') + 1) = r.request_id
      WHERE r.request_id != '' AND e.priced = 1)sql");
    Result<bool> row = st.Step();
    if (!row.ok()) return row.status();
    v.priced_requests = st.Uint(0);
    v.claude_cost_usd = st.Double(1);
    v.our_cost_nano = st.Int(2);
  }
  return v;
}

Result<std::vector<TelemetryRow>> Ledger::TelemetryAfter(bool errors, int64_t after,
                                                        size_t limit) {
  static const char* kRequestColumns[] = {
      "request_id", "session.id", "user.account_uuid", "organization.id",
      "user.email", "terminal.type", "app.version", "model", "speed",
      "input_tokens", "output_tokens", "cache_read_tokens",
      "cache_creation_tokens", "cost_usd", "duration_ms"};
  static const char* kErrorColumns[] = {"request_id", "session.id", "model",
                                        "status_code", "error", "attempt",
                                        "duration_ms"};
  sql::Statement st(
      db_->handle(),
      errors ? "SELECT rowid, event_ms, source, request_id, session_id, model, "
               "status_code, error, attempt, duration_ms FROM otel_errors "
               "WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"
             : "SELECT rowid, event_ms, source, request_id, session_id, "
               "account_uuid, organization_id, user_email, terminal_type, "
               "app_version, model, speed, input_tokens, output_tokens, "
               "cache_read_tokens, cache_creation_tokens, cost_usd, duration_ms "
               "FROM otel_requests WHERE rowid > ?1 ORDER BY rowid LIMIT ?2");
  st.Bind(1, after).Bind(2, static_cast<int64_t>(limit));
  std::vector<TelemetryRow> out;
  for (;;) {
    Result<bool> row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    TelemetryRow r;
    r.rowid = st.Int(0);
    r.event_ms = st.Int(1);
    r.source = st.Text(2);
    r.event = errors ? "claude_code.api_error" : "claude_code.api_request";
    const size_t n = errors ? std::size(kErrorColumns) : std::size(kRequestColumns);
    for (size_t i = 0; i < n; ++i) {
      const int column = static_cast<int>(i) + 3;
      const char* name = errors ? kErrorColumns[i] : kRequestColumns[i];
      // cost_usd is a REAL: its text form keeps every digit.
      r.attributes.emplace_back(name, st.Text(column));
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<int64_t> Ledger::TelemetryShippedMark(bool errors) {
  Result<std::string> v =
      ReadMeta(*db_, errors ? "otel_errors_shipped_rowid" : "otel_requests_shipped_rowid");
  if (!v.ok()) return v.status();
  return v->empty() ? 0 : std::stoll(*v);
}

Status Ledger::SetTelemetryShippedMark(bool errors, int64_t rowid) {
  return WriteMeta(*db_,
                   errors ? "otel_errors_shipped_rowid" : "otel_requests_shipped_rowid",
                   std::to_string(rowid));
}

Result<std::vector<TelemetryMetricTotal>> Ledger::TelemetryMetricTotals() {
  sql::Statement st(db_->handle(), R"sql(
    SELECT metric, attributes, cumulative, start_ns, time_ns, value
    FROM otel_metric_points ORDER BY metric, attributes, start_ns, time_ns)sql");
  std::vector<TelemetryMetricTotal> out;
  int64_t run_start = 0;
  double run_last = 0;
  bool cumulative = false;
  auto close_run = [&] {
    if (cumulative && !out.empty()) out.back().total += run_last;
  };
  for (;;) {
    Result<bool> row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string metric = st.Text(0), attributes = st.Text(1);
    const int64_t start = st.Int(3);
    const double value = st.Double(5);
    if (out.empty() || out.back().metric != metric ||
        out.back().attributes != attributes) {
      close_run();
      out.push_back(TelemetryMetricTotal{metric, attributes, 0, 0, 0});
      cumulative = st.Int(2) != 0;
      run_start = start;
      run_last = 0;
    }
    TelemetryMetricTotal& t = out.back();
    ++t.points;
    if (!cumulative) {
      t.total += value;
      continue;
    }
    if (start != run_start || value < run_last) {  // The counter restarted.
      t.total += run_last;
      ++t.restarts;
      run_start = start;
    }
    run_last = value;
  }
  close_run();
  return out;
}

Result<std::pair<uint64_t, uint64_t>> Ledger::ExactEvents(
    const UsageFilter& filter) {
  sql::Statement st(db_->handle(), R"sql(
    SELECT COALESCE(SUM(exact), 0), COUNT(*) FROM events
    WHERE timestamp_ms >= ?1 AND timestamp_ms < ?2
      AND (?3 IS NULL OR project = ?3) AND (?4 IS NULL OR source = ?4))sql");
  st.Bind(1, filter.since_ms.value_or(INT64_MIN))
      .Bind(2, filter.until_ms.value_or(INT64_MAX));
  if (filter.project) st.Bind(3, *filter.project); else st.BindNull(3);
  if (filter.source) st.Bind(4, *filter.source); else st.BindNull(4);
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  std::pair<uint64_t, uint64_t> out{st.Uint(0), st.Uint(1)};
  st.Reset();
  return out;
}

}  // namespace cc
