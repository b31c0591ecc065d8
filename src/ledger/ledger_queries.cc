// The read side of Ledger: checkpoints, daily totals, status, validation.
#include <string>
#include <unordered_map>

#include "ledger/ledger.h"
#include "ledger/rollup.h"
#include "ledger/sqlite_db.h"
#include "ledger/token_columns.h"

namespace cc {
namespace {

// UTC day of a millisecond timestamp, floored (also for negative times).
constexpr const char* kDayExpr =
    "((timestamp_ms - ((timestamp_ms % 86400000) + 86400000) % 86400000) / "
    "86400000)";

constexpr const char* kTokenSums =
    "COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), "
    "COALESCE(SUM(cache_creation_tokens), 0), "
    "COALESCE(SUM(cache_creation_5m_tokens), 0), "
    "COALESCE(SUM(cache_creation_1h_tokens), 0), "
    "COALESCE(SUM(cache_read_tokens), 0), "
    "COALESCE(SUM(web_search_requests), 0), "
    "COALESCE(SUM(web_fetch_requests), 0)";

// Runs `st` and calls `row` for each result row.
template <typename F>
Status ForEachRow(sql::Statement& st, F&& row) {
  for (;;) {
    Result<bool> more = st.Step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    row(st);
  }
  st.Reset();
  return Status::Ok();
}

RunInfo ReadRun(const sql::Statement& st) {
  RunInfo r;
  r.id = st.Int(0);
  r.mode = st.Text(1);
  r.pid = st.Int(2);
  r.source = st.Text(3);
  r.started_ms = st.Int(4);
  r.heartbeat_ms = st.Int(5);
  if (!st.IsNull(6)) r.finished_ms = st.Int(6);
  r.result = st.Text(7);
  r.error = st.Text(8);
  RunCounters& c = r.counters;
  c.files_scanned = st.Uint(9);
  c.files_new = st.Uint(10);
  c.files_changed = st.Uint(11);
  c.files_reread = st.Uint(12);
  c.files_gone = st.Uint(13);
  c.bytes_read = st.Uint(14);
  c.lines = st.Uint(15);
  c.events_new = st.Uint(16);
  c.events_updated = st.Uint(17);
  c.rejects = st.Uint(18);
  if (!st.IsNull(19)) r.last_sync_ms = st.Int(19);
  return r;
}

}  // namespace

namespace {

constexpr const char* kCheckpointColumns = R"sql(
  SELECT path, root, project, device, inode, size, mtime_ns, offset,
    head_length, head_hash, tail_length, tail_hash, state = 'gone'
  FROM files)sql";

Checkpoint CheckpointFromRow(const sql::Statement& row) {
  Checkpoint c;
  c.path = row.Text(0);
  c.root = row.Text(1);
  c.project = row.Text(2);
  c.identity = FileIdentity{row.Uint(3), row.Uint(4), row.Uint(5), row.Int(6)};
  c.offset = row.Uint(7);
  c.fingerprint = Fingerprint{row.Uint(8), row.Uint(9), row.Uint(10),
                              row.Uint(11)};
  c.gone = row.Int(12) != 0;
  return c;
}

}  // namespace

Status Ledger::LoadCheckpoints(CheckpointMap* out) {
  sql::Statement st(db_->handle(), kCheckpointColumns);
  out->clear();
  return ForEachRow(st, [out](const sql::Statement& row) {
    Checkpoint c = CheckpointFromRow(row);
    std::string path = c.path;
    out->emplace(std::move(path), std::move(c));
  });
}

Status Ledger::LoadCheckpoints(const std::vector<std::string>& paths,
                               CheckpointMap* out) {
  sql::Statement st(db_->handle(),
                    std::string(kCheckpointColumns) + " WHERE path = ?1");
  out->clear();
  for (const std::string& path : paths) {
    st.Bind(1, path);
    Status s = ForEachRow(st, [out](const sql::Statement& row) {
      Checkpoint c = CheckpointFromRow(row);
      std::string p = c.path;
      out->emplace(std::move(p), std::move(c));
    });
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<std::vector<DailyRow>> Ledger::DailyTotals(
    std::optional<int64_t> since_day, std::optional<int64_t> until_day) {
  std::string query = std::string("SELECT ") + kDayExpr + " AS day, " +
                      kTokenSums +
                      ", COUNT(*) FROM events WHERE timestamp_ms >= ?1 AND "
                      "timestamp_ms < ?2 GROUP BY day ORDER BY day";
  sql::Statement st(db_->handle(), query);
  constexpr int64_t kMsPerDay = 86'400'000;
  st.Bind(1, since_day ? *since_day * kMsPerDay : INT64_MIN);
  st.Bind(2, until_day ? (*until_day + 1) * kMsPerDay : INT64_MAX);
  std::vector<DailyRow> rows;
  Status s = ForEachRow(st, [&rows](const sql::Statement& row) {
    rows.push_back(DailyRow{row.Int(0), TokensFromRow(row, 1), row.Uint(9)});
  });
  if (!s.ok()) return s;
  return rows;
}

Result<LedgerSummary> Ledger::Summary() {
  Result<LedgerSummary> health = SyncHealth();
  if (!health.ok()) return health.status();
  LedgerSummary out = std::move(*health);
  sql::Statement events(db_->handle(),
                        std::string("SELECT COUNT(*), ") + kTokenSums +
                            ", MIN(timestamp_ms), MAX(timestamp_ms), "
                            "COALESCE(SUM(cost_nano), 0), "
                            "COALESCE(SUM(priced = 0), 0), "
                            "COALESCE(SUM(exact), 0) FROM events");
  Status s = ForEachRow(events, [&out](const sql::Statement& row) {
    out.events = row.Uint(0);
    out.tokens = TokensFromRow(row, 1);
    if (!row.IsNull(9)) out.first_event_ms = row.Int(9);
    if (!row.IsNull(10)) out.last_event_ms = row.Int(10);
    out.cost_nano = row.Int(11);
    out.unpriced_events = row.Uint(12);
    out.exact_events = row.Uint(13);
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> Ledger::DataVersion() {
  return db_->QueryInt("PRAGMA data_version");
}

// events, usage_rollup and usage_dims change only with the change
// sequence (meta's next_change_seq, taken by every insert, update and
// reprice of an event).
const char* const Ledger::kStampedTables[] = {
    "meta", "events", "usage_rollup", "usage_dims", "files", "rejects",
    "sync_runs", "ship_batches", "ship_rejects", "otel_requests",
    "otel_errors", "otel_metric_points", nullptr};

Result<std::string> Ledger::ContentStamp() {
  sql::Statement st(db_->handle(), R"sql(
    SELECT
      (SELECT group_concat(key || '=' || value, ';') FROM meta),
      (SELECT count(*) || '/' || total(offset) || '/' || total(size) || '/' ||
         total(state = 'gone') || '/' || total(rejects) || '/' ||
         total(rereads) FROM files),
      (SELECT count(*) || '/' || total(lines) || '/' || ifnull(max(seen_ms), '')
         FROM rejects),
      (SELECT group_concat(r, ';') FROM (
         SELECT id || mode || pid || source || started_ms || '/' ||
           ifnull(finished_ms, '') || result || error || files_scanned ||
           '/' || files_new || '/' || files_changed || '/' || files_reread ||
           '/' || files_gone || '/' || bytes_read || '/' || lines || '/' ||
           events_new || '/' || events_updated || '/' || rejects || '/' ||
           ifnull(last_sync_ms, '') AS r
         FROM sync_runs ORDER BY id DESC LIMIT 2)),
      (SELECT count(*) || '/' || ifnull(max(id), '') || '/' ||
         total(attempts) || '/' || ifnull(max(next_attempt_ms), '')
         FROM ship_batches),
      (SELECT count(*) || '/' || ifnull(max(id), '') FROM ship_rejects),
      (SELECT count(*) || '/' || ifnull(max(received_ms), '')
         FROM otel_requests),
      (SELECT count(*) || '/' || ifnull(max(received_ms), '') FROM otel_errors),
      (SELECT count(*) || '/' || ifnull(max(received_ms), '')
         FROM otel_metric_points))sql");
  std::string stamp;
  Status s = ForEachRow(st, [&stamp](const sql::Statement& row) {
    for (int i = 0; i < 9; ++i) {
      stamp += row.IsNull(i) ? "" : row.Text(i);
      stamp += '|';
    }
  });
  if (!s.ok()) return s;
  return stamp;
}

Result<LedgerSummary> Ledger::SyncHealth() {
  LedgerSummary out;
  sql::Statement files(db_->handle(), R"sql(
    SELECT COALESCE(SUM(state = 'active'), 0), COALESCE(SUM(state = 'gone'), 0)
    FROM files)sql");
  Status s = ForEachRow(files, [&out](const sql::Statement& row) {
    out.files_active = row.Uint(0);
    out.files_gone = row.Uint(1);
  });
  if (!s.ok()) return s;

  sql::Statement reasons(db_->handle(), R"sql(
    SELECT reason, SUM(lines) AS n FROM rejects GROUP BY reason
    ORDER BY n DESC, reason LIMIT 10)sql");
  s = ForEachRow(reasons, [&out](const sql::Statement& row) {
    out.reject_reasons.emplace_back(row.Text(0), row.Uint(1));
    out.rejects += row.Uint(1);
  });
  if (!s.ok()) return s;
  Result<int64_t> total_rejects =
      db_->QueryInt("SELECT COALESCE(SUM(lines), 0) FROM rejects");
  if (!total_rejects.ok()) return total_rejects.status();
  out.rejects = static_cast<uint64_t>(*total_rejects);

  sql::Statement telemetry(db_->handle(), R"sql(
    SELECT (SELECT COUNT(*) FROM otel_requests),
      (SELECT COUNT(*) FROM otel_errors),
      (SELECT COUNT(*) FROM otel_metric_points),
      (SELECT MAX(received_ms) FROM otel_requests))sql");
  s = ForEachRow(telemetry, [&out](const sql::Statement& row) {
    out.telemetry_requests = row.Uint(0);
    out.telemetry_errors = row.Uint(1);
    out.telemetry_points = row.Uint(2);
    if (!row.IsNull(3)) out.telemetry_last_ms = row.Int(3);
  });
  if (!s.ok()) return s;

  Result<std::optional<RunInfo>> run = LastRun();
  if (!run.ok()) return run.status();
  out.last_run = std::move(*run);
  return out;
}

Result<std::optional<RunInfo>> Ledger::LastRun() {
  sql::Statement run(db_->handle(), R"sql(
    SELECT id, mode, pid, source, started_ms, heartbeat_ms, finished_ms,
      result, error, files_scanned, files_new, files_changed, files_reread,
      files_gone, bytes_read, lines, events_new, events_updated, rejects,
      last_sync_ms
    FROM sync_runs ORDER BY id DESC LIMIT 1)sql");
  std::optional<RunInfo> out;
  Status s = ForEachRow(run, [&out](const sql::Statement& row) {
    out = ReadRun(row);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<EventBrief>> Ledger::AllEvents() {
  std::string query = std::string("SELECT key, ") + kDayExpr +
                      ", input_tokens, output_tokens, cache_creation_tokens, "
                      "cache_creation_5m_tokens, cache_creation_1h_tokens, "
                      "cache_read_tokens, web_search_requests, "
                      "web_fetch_requests, file, cost_nano, exact FROM events";
  sql::Statement st(db_->handle(), query);
  std::vector<EventBrief> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    out.push_back(EventBrief{row.Text(0), row.Int(1), TokensFromRow(row, 2),
                             row.Text(10), row.Int(11), row.Int(12) != 0});
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<OutboxMark>> Ledger::OutboxMarks(int64_t after_seq,
                                                    int64_t up_to_seq,
                                                    size_t limit) {
  sql::Statement st(db_->handle(), R"sql(
    SELECT change_seq, last_seen_ms FROM events
    WHERE change_seq > ?1 AND change_seq <= ?2
    ORDER BY change_seq LIMIT ?3)sql");
  st.Bind(1, after_seq).Bind(2, up_to_seq).Bind(3, static_cast<int64_t>(limit));
  std::vector<OutboxMark> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    out.push_back(OutboxMark{row.Int(0), row.Int(1)});
  });
  if (!s.ok()) return s;
  return out;
}

Result<OutboxSpan> Ledger::OutboxSpanAfter(int64_t after_seq, size_t limit) {
  // Only the change_seq index is read: no row is visited.
  sql::Statement st(db_->handle(), R"sql(
    SELECT COUNT(*), MIN(change_seq), MAX(change_seq) FROM (
      SELECT change_seq FROM events WHERE change_seq > ?1
      ORDER BY change_seq LIMIT ?2))sql");
  st.Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  OutboxSpan span;
  span.rows = st.Uint(0);
  if (span.rows > 0) {
    span.first_seq = st.Int(1);
    span.last_seq = st.Int(2);
  }
  st.Reset();
  return span;
}

Status Ledger::ForEachOutboxEvent(
    int64_t first_seq, int64_t last_seq,
    const std::function<void(const OutboxEvent&)>& fn) {
  sql::Statement st(db_->handle(), R"sql(
    SELECT key, input_tokens, output_tokens, cache_creation_tokens,
      cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens,
      web_search_requests, web_fetch_requests, timestamp_ms, session_id,
      project, cwd, git_branch, version, model, agent_id, is_sidechain,
      source, speed, cost_nano, priced, price_version, change_seq,
      first_seen_ms, last_seen_ms
    FROM events WHERE change_seq >= ?1 AND change_seq <= ?2
    ORDER BY change_seq)sql");
  st.Bind(1, first_seq).Bind(2, last_seq);
  // One object, its strings reassigned in place: no allocation per row once
  // their capacities have grown.
  OutboxEvent o;
  return ForEachRow(st, [&o, &fn](const sql::Statement& row) {
    Event& e = o.event;
    e.key.assign(row.TextView(0));
    e.tokens = TokensFromRow(row, 1);
    e.first.timestamp_ms = row.Int(9);
    Attributes& a = e.attributes;
    a.session_id.assign(row.TextView(10));
    a.project.assign(row.TextView(11));
    a.cwd.assign(row.TextView(12));
    a.git_branch.assign(row.TextView(13));
    a.version.assign(row.TextView(14));
    a.model.assign(row.TextView(15));
    a.agent_id.assign(row.TextView(16));
    a.is_sidechain = row.Int(17) != 0;
    o.source.assign(row.TextView(18));
    a.speed.assign(row.TextView(19));
    o.cost_nano = row.Int(20);
    o.priced = row.Int(21) != 0;
    o.price_version.assign(row.TextView(22));
    o.change_seq = row.Int(23);
    o.first_seen_ms = row.Int(24);
    o.last_seen_ms = row.Int(25);
    fn(o);
  });
}

Result<std::vector<SessionEvent>> Ledger::SessionEvents(
    const std::string& session_id, size_t limit) {
  sql::Statement st(db_->handle(), R"sql(
    SELECT key, timestamp_ms, model, project, source, is_sidechain,
      input_tokens, output_tokens, cache_creation_tokens,
      cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens,
      web_search_requests, web_fetch_requests, cost_nano, priced
    FROM events WHERE session_id = ?1 ORDER BY timestamp_ms, key LIMIT ?2)sql");
  st.Bind(1, session_id).Bind(2, static_cast<int64_t>(limit));
  std::vector<SessionEvent> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    SessionEvent e;
    e.key = row.Text(0);
    e.timestamp_ms = row.Int(1);
    e.model = row.Text(2);
    e.project = row.Text(3);
    e.source = row.Text(4);
    e.is_sidechain = row.Int(5) != 0;
    e.tokens = TokensFromRow(row, 6);
    e.cost_nano = row.Int(14);
    e.priced = row.Int(15) != 0;
    out.push_back(std::move(e));
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<Reject>> Ledger::RecentRejects(size_t limit) {
  sql::Statement st(db_->handle(), R"sql(
    SELECT file, offset, length, reason, head, lines FROM rejects
    ORDER BY seen_ms DESC, file, offset LIMIT ?1)sql");
  st.Bind(1, static_cast<int64_t>(limit));
  std::vector<Reject> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    out.push_back(Reject{row.Text(0), row.Uint(1), row.Uint(2), row.Text(3),
                         row.Text(4), row.Uint(5)});
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace cc

namespace cc {
namespace {

Result<UsageData> ReadUsage(sql::Database& db, const UsageFilter& filter) {
  UsageData out;
  // Dimensions first (few), then the rows (many, integers only).
  std::unordered_map<int64_t, uint32_t> index_of;
  sql::Statement dims(db.handle(),
                      "SELECT id, project, session_id, model, source FROM "
                      "usage_dims");
  Status s = ForEachRow(dims, [&](const sql::Statement& row) {
    index_of[row.Int(0)] = static_cast<uint32_t>(out.dims.size());
    out.dims.push_back(
        UsageDim{row.Text(1), row.Text(2), row.Text(3), row.Text(4)});
  });
  if (!s.ok()) return s;
  // Bounds are whole buckets: local day starts fall on bucket boundaries.
  const int64_t lo =
      filter.since_ms ? RollupBucket(*filter.since_ms) : INT64_MIN;
  const int64_t hi = filter.until_ms
                         ? RollupBucket(*filter.until_ms + kRollupBucketMs - 1)
                         : INT64_MAX;
  std::string query = R"sql(
    SELECT bucket, dim, events, unpriced_events, input_tokens, output_tokens,
      cache_creation_tokens, cache_creation_5m_tokens,
      cache_creation_1h_tokens, cache_read_tokens, web_search_requests,
      web_fetch_requests, cost_nano, first_ms, last_ms
    FROM usage_rollup WHERE bucket >= ?1 AND bucket < ?2)sql";
  if (filter.project || filter.source) {
    query += " AND dim IN (SELECT id FROM usage_dims WHERE 1";
    if (filter.project) query += " AND project = ?3";
    if (filter.source) query += " AND source = ?4";
    query += ")";
  }
  sql::Statement st(db.handle(), query);
  st.Bind(1, lo).Bind(2, hi);
  if (filter.project) st.Bind(3, *filter.project);
  if (filter.source) st.Bind(4, *filter.source);
  bool unknown_dim = false;
  s = ForEachRow(st, [&](const sql::Statement& row) {
    UsageRow u;
    u.bucket_start_ms = row.Int(0) * kRollupBucketMs;
    auto dim = index_of.find(row.Int(1));
    if (dim == index_of.end()) {
      unknown_dim = true;
      return;
    }
    u.dim = dim->second;
    u.events = row.Uint(2);
    u.unpriced_events = row.Uint(3);
    u.tokens = TokensFromRow(row, 4);
    u.cost_nano = row.Int(12);
    u.first_ms = row.Int(13);
    u.last_ms = row.Int(14);
    out.rows.push_back(u);
  });
  if (!s.ok()) return s;
  if (unknown_dim) {
    return Status::Corruption("usage_rollup refers to a dimension missing "
                              "from usage_dims; `bridge reprice` rebuilds "
                              "both");
  }
  return out;
}

}  // namespace

Result<UsageData> Ledger::Usage(const UsageFilter& filter) {
  // One read transaction: dimensions and rows from the same snapshot, even
  // while a writer commits (or a reprice renumbers the dimensions).
  if (Status s = db_->Exec("BEGIN"); !s.ok()) return s;
  Result<UsageData> out = ReadUsage(*db_, filter);
  (void)db_->Exec("COMMIT");  // Ends a read: nothing to lose if it fails.
  return out;
}

}  // namespace cc
