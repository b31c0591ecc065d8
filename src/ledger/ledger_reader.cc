#include "ledger/ledger_reader.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <unordered_map>

#include "core/project_folder.h"
#include "ledger/event_columns.h"
#include "ledger/ledger_writer.h"
#include "ledger/meta.h"
#include "ledger/query_rows.h"
#include "ledger/rollup.h"
#include "ledger/schema.h"
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
    head_length, head_hash, tail_length, tail_hash, state = 'gone', end_ms
  FROM files)sql";

Checkpoint CheckpointFromRow(const sql::Statement& row) {
  Checkpoint c;
  c.path = row.Text(0);
  c.root = row.Text(1);
  c.project = row.Text(2);
  c.identity = FileIdentity{row.Uint(3), row.Uint(4), row.Uint(5), row.Int(6)};
  c.offset = row.Uint(7);
  c.fingerprint =
      Fingerprint{row.Uint(8), row.Uint(9), row.Uint(10), row.Uint(11)};
  c.gone = row.Int(12) != 0;
  c.end_ms = row.Int(13);
  return c;
}

}  // namespace

LedgerReader::LedgerReader(sql::Database& db,
                           std::unique_ptr<sql::Database> owned)
    : owned_(std::move(owned)), db_(db) {}

LedgerReader::~LedgerReader() = default;

Result<std::unique_ptr<LedgerReader>> LedgerReader::Open(
    const std::string& path, const PriceTable* prices, bool may_migrate) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::IoError("no ledger at " + path +
                           " (run `context-cleaner bridge sync --once` first)");
  }
  Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(path, true);
  if (!db.ok()) return db.status();
  Result<int64_t> version = (*db)->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version > kSchemaVersion) {
    return Status::NotSupported("the ledger " + path + " has schema version " +
                                std::to_string(*version) +
                                ", newer than this program's " +
                                std::to_string(kSchemaVersion));
  }
  bool never_priced = false;
  if (*version == kSchemaVersion) {
    Result<int64_t> priced = (*db)->QueryInt(
        "SELECT COUNT(*) FROM meta WHERE key = 'price_versions' AND value <> "
        "''");
    if (!priced.ok()) return priced.status();
    never_priced = *priced == 0;
  }
  if (*version < kSchemaVersion || never_priced) {
    // Left by an older program, or by a first sync killed before it created
    // the tables or priced them: bring it up to date as a writer would,
    // then read.
    if (!may_migrate) {
      return Status::NotSupported(
          "the ledger " + path + " needs a writer to bring it up to date "
          "(run `context-cleaner bridge sync --once`)");
    }
    if ((*db)->access() != sql::Access::kReadWrite) {
      return Status::IoError(
          "cannot read ledger " + path + ": it was written by an older " +
          "program (or never finished its first sync) and needs a writer " +
          "to bring it up to date, but it cannot be written (" +
          (*db)->access_note() + ")");
    }
    db->reset();
    Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(
        path,
        "pid " + std::to_string(getpid()) +
            " (context-cleaner, migrating the ledger for a reader)",
        prices);
    if (!writer.ok()) return writer.status();
    writer->reset();
    return Open(path, prices);
  }
  sql::Database& d = **db;
  return std::unique_ptr<LedgerReader>(new LedgerReader(d, std::move(*db)));
}

const std::string& LedgerReader::access_note() const {
  return db_.access_note();
}

Result<std::vector<std::string>> LedgerReader::CheckIntegrity(
    bool quick, int max_problems) {
  return db_.CheckIntegrity(quick, max_problems);
}

Result<std::vector<std::string>> LedgerReader::PriceVersions() {
  return ReadPriceVersions(db_);
}

Status LedgerReader::LoadCheckpoints(CheckpointMap* out) {
  sql::Statement st(db_.handle(), kCheckpointColumns);
  out->clear();
  return ForEachRow(st, [out](const sql::Statement& row) {
    Checkpoint c = CheckpointFromRow(row);
    std::string path = c.path;
    out->emplace(std::move(path), std::move(c));
  });
}

Status LedgerReader::LoadCheckpoints(const std::vector<std::string>& paths,
                                     CheckpointMap* out) {
  sql::Statement st(db_.handle(),
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

Result<std::vector<DailyRow>> LedgerReader::DailyTotals(
    std::optional<int64_t> since_day, std::optional<int64_t> until_day) {
  std::string query = std::string("SELECT ") + kDayExpr + " AS day, " +
                      kTokenSums +
                      ", COUNT(*) FROM events WHERE timestamp_ms >= ?1 AND "
                      "timestamp_ms < ?2 GROUP BY day ORDER BY day";
  sql::Statement st(db_.handle(), query);
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

Result<LedgerSummary> LedgerReader::Summary() {
  Result<LedgerSummary> health = SyncHealth();
  if (!health.ok()) return health.status();
  LedgerSummary out = std::move(*health);
  sql::Statement events(db_.handle(),
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

Result<int64_t> LedgerReader::DataVersion() {
  return db_.QueryInt("PRAGMA data_version");
}

// events, usage_rollup and usage_dims change only with the change
// sequence (meta's next_change_seq, taken by every insert, update and
// reprice of an event).
const char* const LedgerReader::kStampedTables[] = {
    "meta",         "events",        "usage_rollup", "usage_dims",
    "files",        "rejects",       "sync_runs",    "ship_batches",
    "ship_rejects", "otel_requests", "otel_errors",  "otel_metric_points",
    "rate_limits",  "alerts",       "alert_deliveries", nullptr};

Result<std::string> LedgerReader::ContentStamp() {
  sql::Statement st(db_.handle(), R"sql(
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
         FROM otel_metric_points),
      (SELECT count(*) || '/' || ifnull(max(id), '') FROM rate_limits),
      (SELECT count(*) || '/' || ifnull(max(fired_ms), '') FROM alerts),
      (SELECT count(*) || '/' || total(attempts) || '/' || count(delivered_ms)
         || '/' || ifnull(max(next_attempt_ms), '') FROM alert_deliveries))sql");
  std::string stamp;
  Status s = ForEachRow(st, [&stamp](const sql::Statement& row) {
    for (int i = 0; i < 12; ++i) {
      stamp += row.IsNull(i) ? "" : row.Text(i);
      stamp += '|';
    }
  });
  if (!s.ok()) return s;
  return stamp;
}

Result<LedgerSummary> LedgerReader::SyncHealth() {
  LedgerSummary out;
  sql::Statement files(db_.handle(), R"sql(
    SELECT COALESCE(SUM(state = 'active'), 0), COALESCE(SUM(state = 'gone'), 0)
    FROM files)sql");
  Status s = ForEachRow(files, [&out](const sql::Statement& row) {
    out.files_active = row.Uint(0);
    out.files_gone = row.Uint(1);
  });
  if (!s.ok()) return s;

  sql::Statement reasons(db_.handle(), R"sql(
    SELECT reason, SUM(lines) AS n FROM rejects GROUP BY reason
    ORDER BY n DESC, reason LIMIT 10)sql");
  s = ForEachRow(reasons, [&out](const sql::Statement& row) {
    out.reject_reasons.emplace_back(row.Text(0), row.Uint(1));
    out.rejects += row.Uint(1);
  });
  if (!s.ok()) return s;
  Result<int64_t> total_rejects =
      db_.QueryInt("SELECT COALESCE(SUM(lines), 0) FROM rejects");
  if (!total_rejects.ok()) return total_rejects.status();
  out.rejects = static_cast<uint64_t>(*total_rejects);

  sql::Statement telemetry(db_.handle(), R"sql(
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

Result<std::optional<RunInfo>> LedgerReader::LastRun() {
  sql::Statement run(db_.handle(), R"sql(
    SELECT id, mode, pid, source, started_ms, heartbeat_ms, finished_ms,
      result, error, files_scanned, files_new, files_changed, files_reread,
      files_gone, bytes_read, lines, events_new, events_updated, rejects,
      last_sync_ms
    FROM sync_runs ORDER BY id DESC LIMIT 1)sql");
  std::optional<RunInfo> out;
  Status s = ForEachRow(
      run, [&out](const sql::Statement& row) { out = ReadRun(row); });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<EventBrief>> LedgerReader::AllEvents() {
  std::string query = std::string("SELECT key, ") + kDayExpr + ", " +
                      kTokenColumnNames +
                      ", file, cost_nano, exact FROM events";
  sql::Statement st(db_.handle(), query);
  std::vector<EventBrief> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    out.push_back(EventBrief{row.Text(0), row.Int(1), TokensFromRow(row, 2),
                             row.Text(10), row.Int(11), row.Int(12) != 0});
  });
  if (!s.ok()) return s;
  return out;
}

Result<ShipState> LedgerReader::ShippingState() {
  ShipState s;
  for (auto [key, slot] :
       {std::pair<const char*, std::string*>{"ledger_id", &s.ledger_id},
        {"ship_target", &s.target},
        {"ship_status", &s.status},
        {"ship_last_error", &s.last_error}}) {
    Result<std::string> v = ReadMeta(db_, key);
    if (!v.ok()) return v.status();
    *slot = *v;
  }
  Result<std::string> shipped = ReadMeta(db_, "shipped_change_seq");
  Result<std::string> frozen = ReadMeta(db_, "frozen_change_seq");
  Result<std::string> success = ReadMeta(db_, "ship_last_success_ms");
  if (!shipped.ok()) return shipped.status();
  if (!frozen.ok()) return frozen.status();
  if (!success.ok()) return success.status();
  s.shipped_seq = MetaAsInt(*shipped);
  s.frozen_seq = MetaAsInt(*frozen);
  if (!success->empty()) s.last_success_ms = MetaAsInt(*success);
  sql::Statement pending(db_.handle(),
                         "SELECT COUNT(*), MIN(last_seen_ms) FROM events "
                         "WHERE change_seq > ?1");
  pending.Bind(1, s.shipped_seq);
  Result<bool> row = pending.Step();
  if (!row.ok()) return row.status();
  s.pending_events = pending.Uint(0);
  if (!pending.IsNull(1)) s.oldest_pending_ms = pending.Int(1);
  pending.Reset();
  Result<int64_t> batches = db_.QueryInt("SELECT COUNT(*) FROM ship_batches");
  if (!batches.ok()) return batches.status();
  s.batches = static_cast<uint64_t>(*batches);
  Result<int64_t> rejects = db_.QueryInt("SELECT COUNT(*) FROM ship_rejects");
  if (!rejects.ok()) return rejects.status();
  s.rejected_rows = static_cast<uint64_t>(*rejects);
  return s;
}

Result<std::string> LedgerReader::ShipTarget() {
  return ReadMeta(db_, "ship_target");
}

Result<std::vector<SessionEvent>> LedgerReader::SessionEvents(
    const std::string& session_id, size_t limit) {
  sql::Statement st(db_.handle(),
                    std::string("SELECT key, timestamp_ms, model, project, "
                                "source, is_sidechain, ") +
                        kTokenColumnNames +
                        ", cost_nano, priced FROM events WHERE session_id = "
                        "?1 ORDER BY timestamp_ms, key LIMIT ?2");
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

Result<SessionTotals> LedgerReader::SessionTotalsOf(
    const std::string& session_id) {
  sql::Statement st(db_.handle(),
                    "SELECT count(*), coalesce(sum(priced = 0), 0), "
                    "coalesce(sum(cost_nano), 0), coalesce(min(timestamp_ms), 0), "
                    "coalesce(max(timestamp_ms), 0), "
                    "coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), "
                    "coalesce(sum(cache_creation_tokens), 0), "
                    "coalesce(sum(cache_creation_5m_tokens), 0), "
                    "coalesce(sum(cache_creation_1h_tokens), 0), "
                    "coalesce(sum(cache_read_tokens), 0), "
                    "coalesce(sum(web_search_requests), 0), "
                    "coalesce(sum(web_fetch_requests), 0) "
                    "FROM events WHERE session_id = ?1");
  st.Bind(1, session_id);
  SessionTotals out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    out.events = static_cast<uint64_t>(row.Int(0));
    out.unpriced_events = static_cast<uint64_t>(row.Int(1));
    out.cost_nano = row.Int(2);
    out.first_ms = row.Int(3);
    out.last_ms = row.Int(4);
    out.tokens = TokensFromRow(row, 5);
  });
  if (!s.ok()) return s;
  return out;
}

// A pass over the events' cwds takes seconds on a million events; the
// first request of a session is an indexed read (events_by_session), and
// the first session looked at usually started in the project's folder.
Result<std::vector<ProjectCwd>> LedgerReader::ProjectCwds() {
  return ReadProjectCwds(db_);
}

Status LedgerReader::InReadTransaction(
    const std::function<Status(sql::Database&)>& body) {
  if (Status s = db_.Exec("BEGIN"); !s.ok()) return s;
  Status s = body(db_);
  (void)db_.Exec("COMMIT");  // Ends a read: nothing to lose if it fails.
  return s;
}

Result<std::vector<ProjectCwd>> ReadProjectCwds(sql::Database& db) {
  constexpr size_t kMostSessionsPerProject = 64;
  std::map<std::string, std::vector<std::string>> sessions;
  sql::Statement list(db.handle(),
                      "SELECT DISTINCT project, session_id FROM usage_dims "
                      "ORDER BY project, session_id");
  Status s = ForEachRow(list, [&sessions](const sql::Statement& row) {
    sessions[row.Text(0)].push_back(row.Text(1));
  });
  if (!s.ok()) return s;
  sql::Statement first(db.handle(), R"sql(
    SELECT cwd, timestamp_ms FROM events
    WHERE session_id = ?1 AND project = ?2 AND cwd <> ''
    ORDER BY timestamp_ms LIMIT 1)sql");
  std::vector<ProjectCwd> out;
  for (const auto& entry : sessions) {
    // Named, not bound: clang 14 does not let a lambda capture a binding.
    const std::string& project = entry.first;
    const std::vector<std::string>& ids = entry.second;
    const size_t found_before = out.size();
    bool in_folder = false;
    for (size_t i = 0; i < ids.size() && i < kMostSessionsPerProject && !in_folder;
         ++i) {
      first.Bind(1, ids[i]).Bind(2, project);
      s = ForEachRow(first, [&](const sql::Statement& row) {
        out.push_back(ProjectCwd{project, row.Text(0), 1, row.Int(1)});
        in_folder = EncodeProjectPath(out.back().cwd) == project;
      });
      if (!s.ok()) return s;
    }
    if (out.size() == found_before) out.push_back(ProjectCwd{project, "", 0, 0});
  }
  return out;
}

Result<std::vector<std::string>> LedgerReader::Sources() {
  sql::Statement st(db_.handle(),
                    "SELECT DISTINCT source FROM usage_dims ORDER BY source");
  std::vector<std::string> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    out.push_back(row.Text(0));
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::optional<Event>> LedgerReader::StoredEvent(const std::string& key) {
  if (!stored_event_) {
    stored_event_ = std::make_unique<sql::Statement>(
        db_.handle(),
        "SELECT " + StoredEventColumns() + " FROM events WHERE key = ?1");
  }
  sql::Statement& st = *stored_event_;
  st.Bind(1, key);
  Result<bool> row = st.Step();
  if (!row.ok()) {
    st.Reset();
    return row.status();
  }
  std::optional<Event> out;
  if (*row) {
    EventRow stored;
    ReadEventRow(st, 0, stored);
    out = std::move(stored.event);
  }
  st.Reset();
  return out;
}

Result<std::vector<Reject>> LedgerReader::RecentRejects(size_t limit) {
  sql::Statement st(db_.handle(), R"sql(
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
  std::string query =
      std::string("SELECT bucket, dim, events, unpriced_events, ") +
      kTokenColumnNames +
      ", cost_nano, first_ms, last_ms FROM usage_rollup WHERE "
      "bucket >= ?1 AND bucket < ?2";
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
    return Status::Corruption(
        "usage_rollup refers to a dimension missing "
        "from usage_dims; `bridge reprice` rebuilds "
        "both");
  }
  return out;
}

}  // namespace

// The statusline's read: only the rows from `since_ms` on and the
// dimensions they name (by primary key), never the whole usage_dims table,
// which grows with every session of the history.
Result<UsageData> LedgerReader::RecentUsage(int64_t since_ms) {
  if (Status s = db_.Exec("BEGIN"); !s.ok()) return s;
  UsageData out;
  std::unordered_map<int64_t, uint32_t> index_of;
  sql::Statement rows(db_.handle(),
                      std::string("SELECT bucket, dim, events, unpriced_events, ") +
                          kTokenColumnNames +
                          ", cost_nano, first_ms, last_ms FROM usage_rollup WHERE "
                          "bucket >= ?1");
  rows.Bind(1, RollupBucket(since_ms));
  std::vector<int64_t> dim_ids;
  Status s = ForEachRow(rows, [&](const sql::Statement& row) {
    UsageRow u;
    u.bucket_start_ms = row.Int(0) * kRollupBucketMs;
    auto [it, added] =
        index_of.emplace(row.Int(1), static_cast<uint32_t>(index_of.size()));
    if (added) dim_ids.push_back(row.Int(1));
    u.dim = it->second;
    u.events = row.Uint(2);
    u.unpriced_events = row.Uint(3);
    u.tokens = TokensFromRow(row, 4);
    u.cost_nano = row.Int(12);
    u.first_ms = row.Int(13);
    u.last_ms = row.Int(14);
    out.rows.push_back(u);
  });
  sql::Statement dim(db_.handle(),
                     "SELECT project, session_id, model, source FROM usage_dims "
                     "WHERE id = ?1");
  for (size_t i = 0; s.ok() && i < dim_ids.size(); ++i) {
    dim.Bind(1, dim_ids[i]);
    bool found = false;
    s = ForEachRow(dim, [&](const sql::Statement& row) {
      out.dims.push_back(UsageDim{row.Text(0), row.Text(1), row.Text(2), row.Text(3)});
      found = true;
    });
    if (s.ok() && !found) {
      s = Status::Corruption(
          "usage_rollup refers to a dimension missing from usage_dims; "
          "`bridge reprice` rebuilds both");
    }
  }
  (void)db_.Exec("COMMIT");  // Ends a read: nothing to lose if it fails.
  if (!s.ok()) return s;
  return out;
}

Result<UsageData> LedgerReader::Usage(const UsageFilter& filter) {
  // One read transaction: dimensions and rows from the same snapshot, even
  // while a writer commits (or a reprice renumbers the dimensions).
  if (Status s = db_.Exec("BEGIN"); !s.ok()) return s;
  Result<UsageData> out = ReadUsage(db_, filter);
  (void)db_.Exec("COMMIT");  // Ends a read: nothing to lose if it fails.
  return out;
}

}  // namespace cc
