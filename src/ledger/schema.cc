#include "ledger/schema.h"

#include <string>

namespace cc {
namespace {

// Version 1: events, checkpoints, rejects, runs.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE events(
  key TEXT PRIMARY KEY,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_creation_5m_tokens INTEGER NOT NULL,
  cache_creation_1h_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  web_fetch_requests INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  file TEXT NOT NULL,
  line_offset INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  project TEXT NOT NULL,
  cwd TEXT NOT NULL,
  git_branch TEXT NOT NULL,
  version TEXT NOT NULL,
  model TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  is_sidechain INTEGER NOT NULL,
  source TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
);
CREATE INDEX events_by_time ON events(timestamp_ms);

CREATE TABLE files(
  path TEXT PRIMARY KEY,
  root TEXT NOT NULL,
  project TEXT NOT NULL,
  device INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  head_length INTEGER NOT NULL,
  head_hash INTEGER NOT NULL,
  tail_length INTEGER NOT NULL,
  tail_hash INTEGER NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('active', 'gone')),
  lines INTEGER NOT NULL DEFAULT 0,
  records INTEGER NOT NULL DEFAULT 0,
  rejects INTEGER NOT NULL DEFAULT 0,
  rereads INTEGER NOT NULL DEFAULT 0,
  first_seen_ms INTEGER NOT NULL,
  last_read_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE rejects(
  file TEXT NOT NULL,
  offset INTEGER NOT NULL,
  length INTEGER NOT NULL,
  reason TEXT NOT NULL,
  head BLOB NOT NULL,
  lines INTEGER NOT NULL DEFAULT 1,
  seen_ms INTEGER NOT NULL,
  PRIMARY KEY(file, offset)
) WITHOUT ROWID;

CREATE TABLE sync_runs(
  id INTEGER PRIMARY KEY,
  mode TEXT NOT NULL,
  pid INTEGER NOT NULL,
  source TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  heartbeat_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  result TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  files_scanned INTEGER NOT NULL DEFAULT 0,
  files_new INTEGER NOT NULL DEFAULT 0,
  files_changed INTEGER NOT NULL DEFAULT 0,
  files_reread INTEGER NOT NULL DEFAULT 0,
  files_gone INTEGER NOT NULL DEFAULT 0,
  bytes_read INTEGER NOT NULL DEFAULT 0,
  lines INTEGER NOT NULL DEFAULT 0,
  events_new INTEGER NOT NULL DEFAULT 0,
  events_updated INTEGER NOT NULL DEFAULT 0,
  rejects INTEGER NOT NULL DEFAULT 0
);
)sql";

// Version 2: the outbox. Every insert or change of an event takes the next
// change_seq; a shipper sends events with change_seq above its mark, so an
// event changed twice before shipping is sent once, in its final state.
constexpr const char* kVersion2 = R"sql(
ALTER TABLE events ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
UPDATE events SET change_seq = rowid;
CREATE INDEX events_by_change ON events(change_seq);
INSERT INTO meta(key, value)
  SELECT 'next_change_seq', CAST(COALESCE(MAX(change_seq), 0) + 1 AS TEXT)
  FROM events;
INSERT INTO meta(key, value) VALUES('shipped_change_seq', '0');
)sql";

// Version 3: a long-running monitor records when it last synced, so that
// sync-status in another process can show its lag.
constexpr const char* kVersion3 = R"sql(
ALTER TABLE sync_runs ADD COLUMN last_sync_ms INTEGER;
)sql";

// Version 4: cost per event (integer nano-dollars, with the price table's
// version; `priced` 0 = the model had no price) and the usage rollup that
// reports read (ledger/rollup.h). Events from before are priced, and the
// rollup built, by the first writer to open the ledger (LedgerWriter::Reprice).
constexpr const char* kVersion4 = R"sql(
ALTER TABLE events ADD COLUMN speed TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN cost_nano INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN priced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN price_version TEXT NOT NULL DEFAULT '';
CREATE TABLE usage_dims(
  id INTEGER PRIMARY KEY,
  project TEXT NOT NULL,
  session_id TEXT NOT NULL,
  model TEXT NOT NULL,
  source TEXT NOT NULL,
  UNIQUE(project, session_id, model, source)
);
CREATE TABLE usage_rollup(
  bucket INTEGER NOT NULL,
  dim INTEGER NOT NULL,
  events INTEGER NOT NULL,
  unpriced_events INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_creation_5m_tokens INTEGER NOT NULL,
  cache_creation_1h_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  web_fetch_requests INTEGER NOT NULL,
  cost_nano INTEGER NOT NULL,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  PRIMARY KEY(bucket, dim)
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES('price_versions', '');
)sql";

// Version 5: shipping to ClickHouse. A batch is frozen (its rows, as sent,
// and its deduplication token) before its first send, so a retry sends the
// same bytes with the same token and ClickHouse drops the replay. The
// ledger gets a random id so that a rebuilt ledger's batches never share a
// token with an old one's.
constexpr const char* kVersion5 = R"sql(
CREATE TABLE ship_batches(
  id INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  token TEXT NOT NULL,
  payload BLOB NOT NULL,
  frozen_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE ship_rejects(
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL,
  row TEXT NOT NULL,
  error TEXT NOT NULL,
  seen_ms INTEGER NOT NULL
);
INSERT INTO meta(key, value) VALUES('ledger_id', lower(hex(randomblob(8))));
INSERT INTO meta(key, value) VALUES('frozen_change_seq', '0');
)sql";

// Version 6: a frozen batch is its change_seq range and token alone. A
// re-send reads the range again: a row that changed since has moved to a
// later change_seq (and batch), so the range yields the rows first frozen
// or fewer, never other values under the same token. Batches frozen by
// version 5 keep their ranges and tokens.
constexpr const char* kVersion6 = R"sql(
ALTER TABLE ship_batches DROP COLUMN payload;
)sql";

// Version 7: the dashboard lists a session's requests.
constexpr const char* kVersion7 = R"sql(
CREATE INDEX events_by_session ON events(session_id, timestamp_ms);
)sql";

// Version 8: Claude Code's OpenTelemetry. Requests, errors and metric
// points as received (each keyed so that an exporter's retry changes
// nothing), and on events: `exact` (telemetry confirmed its tokens) and an
// index on the request id (the part of the key after ':'), which is how a
// telemetry request finds its transcript event and the other way round.
constexpr const char* kVersion8 = R"sql(
ALTER TABLE events ADD COLUMN exact INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_by_request ON events(substr(key, instr(key, ':') + 1))
  WHERE instr(key, ':') > 0;
CREATE TABLE otel_requests(
  key TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  account_uuid TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  user_email TEXT NOT NULL,
  terminal_type TEXT NOT NULL,
  app_version TEXT NOT NULL,
  model TEXT NOT NULL,
  speed TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  duration_ms INTEGER NOT NULL,
  event_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX otel_requests_by_time ON otel_requests(event_ms);
CREATE TABLE otel_errors(
  key TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  model TEXT NOT NULL,
  status_code TEXT NOT NULL,
  error TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  event_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  source TEXT NOT NULL
);
CREATE TABLE otel_metric_points(
  key TEXT PRIMARY KEY,
  metric TEXT NOT NULL,
  attributes TEXT NOT NULL,
  cumulative INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  value REAL NOT NULL,
  received_ms INTEGER NOT NULL
);
)sql";

// Version 9: the events telemetry confirmed, indexed apart, so that
// counting them (the dashboard after every commit) reads only them, not
// every event.
constexpr const char* kVersion9 = R"sql(
CREATE INDEX events_exact ON events(exact) WHERE exact = 1;
)sql";

// Version 10: a request copied into a resumed session's file stays with
// the session where it was spent (core/event.h): events.file_end_ms orders
// copies of one request by when their file ended, files.end_ms carries a
// file's end to the next (incremental) read. And events.inference_geo
// (usage.inference_geo; "us" costs more). Rows from before get the best
// end the ledger knows: the latest event whose earliest line is in the
// file (exact unless another file took the file's last request; a
// backfill puts every end right).
constexpr const char* kVersion10 = R"sql(
ALTER TABLE events ADD COLUMN file_end_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN inference_geo TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN end_ms INTEGER NOT NULL DEFAULT 0;
CREATE TEMP TABLE file_ends(file TEXT PRIMARY KEY, end_ms INTEGER NOT NULL)
  WITHOUT ROWID;
INSERT INTO file_ends
  SELECT file, MAX(timestamp_ms) FROM events WHERE file <> 'otel'
  GROUP BY file;
UPDATE events SET file_end_ms =
  (SELECT end_ms FROM file_ends WHERE file_ends.file = events.file)
  WHERE file <> 'otel';
UPDATE files SET end_ms = COALESCE(
  (SELECT end_ms FROM file_ends WHERE file_ends.file = files.path), 0);
DROP TABLE file_ends;
)sql";

// Version 11: the official plan limits (ledger/rate_limits.h): each
// change of a window's used percentage or reset, as a machine's statusline
// saw it. Looked up by source and window (is this reading new?) and by
// window and reset (the windows a report lists).
constexpr const char* kVersion11 = R"sql(
CREATE TABLE rate_limits(
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  window_kind TEXT NOT NULL CHECK(window_kind IN ('five_hour', 'seven_day')),
  used_percentage REAL NOT NULL,
  resets_at INTEGER NOT NULL,
  seen_ms INTEGER NOT NULL
);
CREATE INDEX rate_limits_by_source ON rate_limits(source, window_kind);
CREATE INDEX rate_limits_by_reset ON rate_limits(window_kind, resets_at);
)sql";

// Version 12: budgets and alerts (docs/budgets.md). An alert is recorded
// once per budget, period and threshold (its id), in the transaction of
// the events that crossed it; each channel that retries (webhook,
// command) keeps its own delivery state, so a crash between the commit
// and a delivery delivers the same id again and a delivered one never.
constexpr const char* kVersion12 = R"sql(
CREATE TABLE alerts(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind IN ('threshold', 'projection', 'anomaly')),
  budget TEXT NOT NULL,
  period TEXT NOT NULL,
  period_start_ms INTEGER NOT NULL,
  period_end_ms INTEGER NOT NULL,
  threshold_pct INTEGER NOT NULL,
  unit TEXT NOT NULL CHECK(unit IN ('usd', 'tokens')),
  spent REAL NOT NULL,
  limit_value REAL NOT NULL,
  projected REAL NOT NULL,
  project TEXT NOT NULL,
  source TEXT NOT NULL,
  fired_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX alerts_by_time ON alerts(fired_ms);
CREATE TABLE alert_deliveries(
  alert_id TEXT NOT NULL REFERENCES alerts(id),
  channel TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  delivered_ms INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(alert_id, channel)
) WITHOUT ROWID;
CREATE INDEX alert_deliveries_due ON alert_deliveries(delivered_ms, next_attempt_ms);
)sql";

constexpr const char* kSteps[] = {kVersion1, kVersion2, kVersion3, kVersion4,
                                  kVersion5, kVersion6, kVersion7, kVersion8,
                                  kVersion9, kVersion10, kVersion11,
                                  kVersion12};

}  // namespace

Status ApplyMigrations(sql::Database& db, int from_version, int to_version) {
  return sql::InTransaction(db, [&]() -> Status {
    for (int v = from_version + 1; v <= to_version; ++v) {
      if (Status s = db.Exec(kSteps[v - 1]); !s.ok()) {
        return Status::IoError("migrating the ledger to schema " +
                               std::to_string(v) + ": " + s.message());
      }
    }
    return db.Exec("PRAGMA user_version = " + std::to_string(to_version));
  });
}

Status Migrate(sql::Database& db) {
  Result<int64_t> version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version > kSchemaVersion) {
    return Status::NotSupported(
        "the ledger has schema version " + std::to_string(*version) +
        ", newer than this program's " + std::to_string(kSchemaVersion) +
        "; upgrade context-cleaner (the file was left untouched)");
  }
  if (*version == kSchemaVersion) return Status::Ok();
  return ApplyMigrations(db, static_cast<int>(*version), kSchemaVersion);
}

Result<std::unique_ptr<sql::Database>> OpenAtCurrentSchema(
    const std::string& path) {
  Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(path, false);
  if (!db.ok()) return db.status();
  Result<int64_t> version = (*db)->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version != kSchemaVersion) {
    return Status::NotSupported("shipping needs a ledger at schema " +
                                std::to_string(kSchemaVersion));
  }
  return db;
}

}  // namespace cc
