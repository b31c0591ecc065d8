// LedgerReader: what the ledger holds of Claude Code's telemetry
// (ledger_reader.h, "Telemetry").
#include <string>

#include "ledger/ledger_reader.h"
#include "ledger/sqlite_db.h"

namespace cc {

Result<TelemetryOverview> LedgerReader::TelemetryOverviewOf() {
  TelemetryOverview v;
  Result<int64_t> requests = db_.QueryInt("SELECT COUNT(*) FROM otel_requests");
  if (!requests.ok()) return requests.status();
  v.requests = static_cast<uint64_t>(*requests);
  {
    // Both from indexes (events_exact, and the smallest for COUNT(*)).
    sql::Statement st(db_.handle(),
                      "SELECT (SELECT COUNT(*) FROM events WHERE exact = 1), "
                      "(SELECT COUNT(*) FROM events)");
    Result<bool> row = st.Step();
    if (!row.ok()) return row.status();
    v.exact_events = st.Uint(0);
    v.events = st.Uint(1);
  }
  {
    sql::Statement st(db_.handle(), R"sql(
      SELECT model, duration_ms FROM otel_requests ORDER BY model, duration_ms)sql");
    std::vector<int64_t> durations;
    std::string model;
    auto close = [&] {
      if (durations.empty()) return;
      auto at = [&](double q) {
        return durations[static_cast<size_t>(
            q * static_cast<double>(durations.size() - 1) + 0.5)];
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
    sql::Statement st(db_.handle(), R"sql(
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
    sql::Statement st(db_.handle(), R"sql(
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

Result<std::vector<TelemetryMetricTotal>>
LedgerReader::TelemetryMetricTotals() {
  sql::Statement st(db_.handle(), R"sql(
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

Result<std::pair<uint64_t, uint64_t>> LedgerReader::ExactEvents(
    const UsageFilter& filter) {
  sql::Statement st(db_.handle(), R"sql(
    SELECT COALESCE(SUM(exact), 0), COUNT(*) FROM events
    WHERE timestamp_ms >= ?1 AND timestamp_ms < ?2
      AND (?3 IS NULL OR project = ?3) AND (?4 IS NULL OR source = ?4))sql");
  st.Bind(1, filter.since_ms.value_or(INT64_MIN))
      .Bind(2, filter.until_ms.value_or(INT64_MAX));
  if (filter.project)
    st.Bind(3, *filter.project);
  else
    st.BindNull(3);
  if (filter.source)
    st.Bind(4, *filter.source);
  else
    st.BindNull(4);
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  std::pair<uint64_t, uint64_t> out{st.Uint(0), st.Uint(1)};
  st.Reset();
  return out;
}

}  // namespace cc
