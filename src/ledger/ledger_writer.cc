#include "ledger/ledger_writer.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "ledger/ledger_files.h"
#include "ledger/meta.h"
#include "ledger/rollup.h"
#include "ledger/schema.h"
#include "ledger/sqlite_db.h"
#include "ledger/token_columns.h"
#include "ledger/writer_lock.h"

namespace cc {
namespace {

constexpr const char* kUpsertFile = R"sql(
INSERT INTO files(path, root, project, device, inode, size, mtime_ns, offset,
  head_length, head_hash, tail_length, tail_hash, state, lines, records,
  rejects, rereads, first_seen_ms, last_read_ms, end_ms)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'active', ?13, ?14,
  ?15, ?16, ?17, ?17, ?19)
ON CONFLICT(path) DO UPDATE SET root = excluded.root,
  project = excluded.project, device = excluded.device,
  inode = excluded.inode, size = excluded.size, mtime_ns = excluded.mtime_ns,
  offset = excluded.offset, head_length = excluded.head_length,
  head_hash = excluded.head_hash, tail_length = excluded.tail_length,
  tail_hash = excluded.tail_hash, state = 'active',
  lines = CASE WHEN ?18 THEN excluded.lines ELSE lines + excluded.lines END,
  records = CASE WHEN ?18 THEN excluded.records
            ELSE records + excluded.records END,
  rejects = CASE WHEN ?18 THEN excluded.rejects
            ELSE rejects + excluded.rejects END,
  rereads = rereads + excluded.rereads,
  last_read_ms = excluded.last_read_ms, end_ms = excluded.end_ms)sql";

constexpr const char* kInsertReject = R"sql(
INSERT OR REPLACE INTO rejects(file, offset, length, reason, head, lines,
  seen_ms)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7))sql";

constexpr const char* kDeleteRejects = "DELETE FROM rejects WHERE file = ?1";

// With the lock held and no database file, a -wal, -shm or -journal at the
// path belongs to a file that was deleted (a user removed ledger.db alone):
// SQLite would replay that log into the new, empty file.
Status RemoveOrphanedJournals(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) || ec) return Status::Ok();
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
    if (ec) {
      return Status::IoError("cannot remove " + path + suffix +
                             " (left by a deleted ledger): " + ec.message());
    }
  }
  return Status::Ok();
}

}  // namespace

struct LedgerWriter::Statements {
  explicit Statements(sqlite3* db)
      : upsert_file(db, kUpsertFile),
        insert_reject(db, kInsertReject),
        delete_rejects(db, kDeleteRejects) {}
  sql::Statement upsert_file;
  sql::Statement insert_reject;
  sql::Statement delete_rejects;
};

LedgerWriter::LedgerWriter(std::unique_ptr<sql::Database> db,
                           std::unique_ptr<WriterLock> lock)
    : db_(std::move(db)),
      lock_(std::move(lock)),
      events_(std::make_unique<EventStore>(*db_)),
      st_(std::make_unique<Statements>(db_->handle())),
      reader_(new LedgerReader(*db_, nullptr)),
      ship_queue_(new ShipQueue(*db_, nullptr)),
      telemetry_(new TelemetryStore(*db_, *events_)) {}

LedgerWriter::~LedgerWriter() = default;

Result<std::unique_ptr<LedgerWriter>> LedgerWriter::Open(
    const std::string& path, const std::string& holder,
    const PriceTable* prices) {
  if (Status s = EnsurePrivateLedgerDirectory(path); !s.ok()) return s;
  Result<std::unique_ptr<WriterLock>> lock = WriterLock::Acquire(path, holder);
  if (!lock.ok()) return lock.status();
  if (Status s = RemoveOrphanedJournals(path); !s.ok()) return s;
  Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(path, false);
  if (!db.ok()) return db.status();
  sql::Database& d = **db;
  for (const char* pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
        "PRAGMA cache_size = -16000", "PRAGMA temp_store = MEMORY"}) {
    if (Status s = d.Exec(pragma); !s.ok()) {
      return Status::IoError("--ledger: cannot open " + path + ": " +
                             s.message());
    }
  }
  if (Status s = Migrate(d); !s.ok()) return s;
  std::unique_ptr<LedgerWriter> writer(
      new LedgerWriter(std::move(*db), std::move(*lock)));
  writer->SetPrices(prices);
  if (Status s = writer->EnsurePriced(); !s.ok()) return s;
  return writer;
}

Status LedgerWriter::CheckStillAtPath() const {
  const std::string& path = db_->path();
  Result<std::optional<FileId>> now = FileIdOfPath(path);
  if (!now.ok()) return now.status();
  if (!*now) {
    return Status::IoError("the ledger " + path +
                           " was deleted while this process wrote to it (what "
                           "it committed since went with the deleted file)");
  }
  if (!(**now == db_->file_id())) {
    return Status::IoError("the ledger " + path +
                           " was replaced by another file while this process "
                           "wrote to it (what it committed since went with "
                           "the old file)");
  }
  return lock_->CheckStillAtPath();
}

void LedgerWriter::SetPrices(const PriceTable* prices) {
  events_->SetPrices(prices);
}

void LedgerWriter::SetOutboxTap(OutboxTap* tap) { events_->SetOutboxTap(tap); }

void LedgerWriter::SetCommitHook(CommitHook* hook) { events_->SetCommitHook(hook); }

Status LedgerWriter::WriteCheckpoint(const Checkpoint& c, int64_t now_ms) {
  sql::Statement& st = st_->upsert_file;
  st.BindFrom(1, c.path, c.root, c.project, c.identity.device, c.identity.inode,
              c.identity.size_bytes, c.identity.mtime_ns, c.offset,
              c.fingerprint.head_length, c.fingerprint.head_hash,
              c.fingerprint.tail_length, c.fingerprint.tail_hash, c.lines,
              c.records, c.rejects, c.rereads, now_ms,
              int64_t{c.restarted ? 1 : 0}, c.end_ms);
  return st.Run();
}

Result<CommitStats> LedgerWriter::Commit(const Batch& batch,
                                         const std::string& source,
                                         int64_t now_ms) {
  CommitStats stats;
  Status s = events_->InChanges(now_ms, [&]() -> Status {
    // A file read again from 0 gets its rejects anew (its lines may differ).
    for (const Checkpoint& c : batch.checkpoints) {
      if (!c.restarted) continue;
      st_->delete_rejects.Bind(1, c.path);
      if (Status ds = st_->delete_rejects.Run(); !ds.ok()) return ds;
    }
    // Checkpoints before events: a merge reads a file's latest end from its
    // checkpoint (EventStore::RaiseStoredFileEnd), this batch's included.
    for (const Checkpoint& c : batch.checkpoints) {
      if (Status cs = WriteCheckpoint(c, now_ms); !cs.ok()) return cs;
    }
    for (const Event& e : batch.events) {
      Result<bool> merged = events_->Merge(e, source, now_ms, &stats);
      if (!merged.ok()) return merged.status();
    }
    for (const Reject& r : batch.rejects) {
      st_->insert_reject.BindFrom(1, r.file, r.offset, r.length, r.reason,
                                  r.head, r.lines, now_ms);
      if (Status rs = st_->insert_reject.Run(); !rs.ok()) return rs;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return stats;
}

Status LedgerWriter::EnsurePriced() {
  if (price_state_checked_) return Status::Ok();
  Result<std::vector<std::string>> versions = ReadPriceVersions(*db_);
  if (!versions.ok()) return versions.status();
  if (versions->empty()) {
    Result<RepriceStats> r = Reprice();
    if (!r.ok()) return r.status();
  }
  price_state_checked_ = true;
  return Status::Ok();
}

Result<RepriceStats> LedgerWriter::Reprice() {
  RepriceStats stats;
  const PriceTable& prices = events_->prices();
  stats.price_version = prices.version();
  Status s = sql::InTransaction(*db_, [&]() -> Status {
    struct Change {
      int64_t rowid;
      Cost cost;
      bool changed;
    };
    std::vector<Change> changes;
    sql::Statement read(db_->handle(),
                        std::string("SELECT rowid, ") + kTokenColumnNames +
                            ", timestamp_ms, model, speed, cost_nano, priced, "
                            "inference_geo "
                            "FROM events");
    for (;;) {
      Result<bool> more = read.Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
      const Tokens t = TokensFromRow(read, 1);
      const std::string model = read.Text(10);
      const std::string speed = read.Text(11);
      const std::string geo = read.Text(14);
      const Cost cost =
          prices.CostOf(CostInput{t, model, speed, read.Int(9), geo});
      const int64_t old_cost = read.Int(12);
      const bool old_priced = read.Int(13) != 0;
      stats.cost_before_nano += old_cost;
      stats.cost_after_nano += cost.nano;
      if (!cost.known) {
        ++stats.unpriced_events;
        stats.unpriced_models.insert(model);
      }
      const bool changed = cost.nano != old_cost || cost.known != old_priced;
      stats.events_changed += changed ? 1 : 0;
      changes.push_back(Change{read.Int(0), cost, changed});
    }
    stats.events = changes.size();
    Result<int64_t> next = db_->QueryInt(
        "SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
        "'next_change_seq'");
    if (!next.ok()) return next.status();
    int64_t seq = *next;
    sql::Statement update(db_->handle(), R"sql(
      UPDATE events SET cost_nano = ?2, priced = ?3, price_version = ?4,
        change_seq = CASE WHEN ?5 THEN ?6 ELSE change_seq END
      WHERE rowid = ?1)sql");
    for (const Change& c : changes) {
      update.BindFrom(1, c.rowid, c.cost.nano, int64_t{c.cost.known ? 1 : 0},
                      prices.version(), int64_t{c.changed ? 1 : 0}, seq);
      if (c.changed) ++seq;
      if (Status us = update.Run(); !us.ok()) return us;
    }
    if (Status ms = WriteMeta(*db_, "next_change_seq", std::to_string(seq));
        !ms.ok()) {
      return ms;
    }
    if (Status rs = RebuildRollup(*db_); !rs.ok()) return rs;
    return WriteMeta(*db_, kPriceVersionsKey, prices.version() + "\n");
  });
  if (!s.ok()) return s;
  price_state_checked_ = true;
  return stats;
}

Status LedgerWriter::MarkGone(const std::vector<std::string>& paths) {
  if (paths.empty()) return Status::Ok();
  return sql::InTransaction(*db_, [&]() -> Status {
    sql::Statement st(db_->handle(),
                      "UPDATE files SET state = 'gone' WHERE path = ?1");
    for (const std::string& p : paths) {
      st.Bind(1, p);
      if (Status s = st.Run(); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

Result<int64_t> LedgerWriter::BeginRun(const std::string& mode,
                                       const std::string& source,
                                       int64_t now_ms) {
  sql::Statement st(db_->handle(), R"sql(
    INSERT INTO sync_runs(mode, pid, source, started_ms, heartbeat_ms, result)
    VALUES(?1, ?2, ?3, ?4, ?4, 'running'))sql");
  st.BindFrom(1, mode, int64_t{getpid()}, source, now_ms);
  if (Status s = st.Run(); !s.ok()) return s;
  return db_->QueryInt("SELECT last_insert_rowid()");
}

namespace {

constexpr const char* kUpdateRun = R"sql(
UPDATE sync_runs SET heartbeat_ms = ?2, files_scanned = ?3, files_new = ?4,
  files_changed = ?5, files_reread = ?6, files_gone = ?7, bytes_read = ?8,
  lines = ?9, events_new = ?10, events_updated = ?11, rejects = ?12,
  finished_ms = ?13, result = COALESCE(?14, result),
  error = COALESCE(?15, error), last_sync_ms = COALESCE(?16, last_sync_ms)
WHERE id = ?1)sql";

void BindRun(sql::Statement& st, int64_t id, const RunCounters& c,
             int64_t now_ms) {
  st.BindFrom(1, id, now_ms, c.files_scanned, c.files_new, c.files_changed,
              c.files_reread, c.files_gone, c.bytes_read, c.lines, c.events_new,
              c.events_updated, c.rejects);
}

}  // namespace

Status LedgerWriter::Heartbeat(int64_t run_id, const RunCounters& counters,
                               int64_t now_ms,
                               std::optional<int64_t> last_sync_ms) {
  sql::Statement st(db_->handle(), kUpdateRun);
  BindRun(st, run_id, counters, now_ms);
  st.BindNull(13).BindNull(14).BindNull(15);
  if (last_sync_ms) st.Bind(16, *last_sync_ms);
  return st.Run();
}

Status LedgerWriter::FinishRun(int64_t run_id, const RunCounters& counters,
                               const std::string& result,
                               const std::string& error, int64_t now_ms) {
  sql::Statement st(db_->handle(), kUpdateRun);
  BindRun(st, run_id, counters, now_ms);
  st.BindFrom(13, now_ms, result, error, now_ms);
  return st.Run();
}

}  // namespace cc
