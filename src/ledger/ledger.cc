#include "ledger/ledger.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "ledger/ledger_files.h"
#include "ledger/meta.h"
#include "ledger/outbox_tap.h"
#include "ledger/rollup.h"
#include "ledger/schema.h"
#include "ledger/sqlite_db.h"
#include "ledger/token_columns.h"
#include "ledger/writer_lock.h"

namespace cc {
namespace {

constexpr const char* kSelectEvent = R"sql(
SELECT input_tokens, output_tokens, cache_creation_tokens,
  cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens,
  web_search_requests, web_fetch_requests, timestamp_ms, file, line_offset,
  project, session_id, model, source, speed, cost_nano, priced,
  cwd, git_branch, version, agent_id, is_sidechain, first_seen_ms, change_seq
FROM events WHERE key = ?1)sql";

// ?1 key, ?2..?9 tokens, ?10 timestamp, ?11 file, ?12 offset, ?13..?20
// attributes, ?21 source, ?22 now, ?23 change_seq, ?24 speed, ?25 cost,
// ?26 priced, ?27 price version.
constexpr const char* kInsertEvent = R"sql(
INSERT INTO events(key, input_tokens, output_tokens, cache_creation_tokens,
  cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens,
  web_search_requests, web_fetch_requests, timestamp_ms, file, line_offset,
  session_id, project, cwd, git_branch, version, model, agent_id,
  is_sidechain, source, first_seen_ms, last_seen_ms, change_seq, speed,
  cost_nano, priced, price_version)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
  ?17, ?18, ?19, ?20, ?21, ?22, ?22, ?23, ?24, ?25, ?26, ?27))sql";

constexpr const char* kUpdateEvent = R"sql(
UPDATE events SET input_tokens = ?2, output_tokens = ?3,
  cache_creation_tokens = ?4, cache_creation_5m_tokens = ?5,
  cache_creation_1h_tokens = ?6, cache_read_tokens = ?7,
  web_search_requests = ?8, web_fetch_requests = ?9, timestamp_ms = ?10,
  file = ?11, line_offset = ?12, session_id = ?13, project = ?14, cwd = ?15,
  git_branch = ?16, version = ?17, model = ?18, agent_id = ?19,
  is_sidechain = ?20, source = ?21, last_seen_ms = ?22, change_seq = ?23,
  speed = ?24, cost_nano = ?25, priced = ?26, price_version = ?27
WHERE key = ?1)sql";

constexpr const char* kUpdateTokens = R"sql(
UPDATE events SET input_tokens = ?2, output_tokens = ?3,
  cache_creation_tokens = ?4, cache_creation_5m_tokens = ?5,
  cache_creation_1h_tokens = ?6, cache_read_tokens = ?7,
  web_search_requests = ?8, web_fetch_requests = ?9, last_seen_ms = ?10,
  change_seq = ?11, cost_nano = ?12, priced = ?13, price_version = ?14,
  speed = ?15
WHERE key = ?1)sql";

constexpr const char* kUpsertFile = R"sql(
INSERT INTO files(path, root, project, device, inode, size, mtime_ns, offset,
  head_length, head_hash, tail_length, tail_hash, state, lines, records,
  rejects, rereads, first_seen_ms, last_read_ms)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'active', ?13, ?14,
  ?15, ?16, ?17, ?17)
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
  last_read_ms = excluded.last_read_ms)sql";

constexpr const char* kInsertReject = R"sql(
INSERT OR REPLACE INTO rejects(file, offset, length, reason, head, lines,
  seen_ms)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7))sql";

constexpr const char* kDeleteRejects = "DELETE FROM rejects WHERE file = ?1";

// The event holding request id ?1 (the key's part after ':'), if any: a
// transcript's "msg:req" or telemetry's "otel:req" (events_by_request).
constexpr const char* kSelectByRequest = R"sql(
SELECT key FROM events
WHERE instr(key, ':') > 0 AND substr(key, instr(key, ':') + 1) = ?1
LIMIT 1)sql";

constexpr const char* kMarkExact = "UPDATE events SET exact = 1 WHERE key = ?1";

// The request id in a transcript event's key ("msg_x:req_y" -> "req_y").
std::string RequestIdOf(const std::string& key) {
  const size_t colon = key.find(':');
  return colon == std::string::npos ? "" : key.substr(colon + 1);
}

void BindEvent(sql::Statement& st, const Event& e, const std::string& source,
               int64_t now_ms, int64_t change_seq, const Cost& cost,
               const std::string& price_version) {
  const Attributes& a = e.attributes;
  st.Bind(1, e.key);
  BindTokens(st, 2, e.tokens)
      .Bind(10, e.first.timestamp_ms)
      .Bind(11, e.first.file)
      .Bind(12, e.first.offset)
      .Bind(13, a.session_id)
      .Bind(14, a.project)
      .Bind(15, a.cwd)
      .Bind(16, a.git_branch)
      .Bind(17, a.version)
      .Bind(18, a.model)
      .Bind(19, a.agent_id)
      .Bind(20, int64_t{a.is_sidechain ? 1 : 0})
      .Bind(21, source)
      .Bind(22, now_ms)
      .Bind(23, change_seq)
      .Bind(24, a.speed)
      .Bind(25, cost.nano)
      .Bind(26, int64_t{cost.known ? 1 : 0})
      .Bind(27, price_version);
}

RollupKey KeyOf(const Event& e, const std::string& source) {
  return RollupKey{RollupBucket(e.first.timestamp_ms), e.attributes.project,
                   e.attributes.session_id, e.attributes.model, source};
}

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

struct Ledger::Statements {
  explicit Statements(sqlite3* db)
      : select_event(db, kSelectEvent),
        insert_event(db, kInsertEvent),
        update_event(db, kUpdateEvent),
        update_tokens(db, kUpdateTokens),
        upsert_file(db, kUpsertFile),
        insert_reject(db, kInsertReject),
        delete_rejects(db, kDeleteRejects),
        select_by_request(db, kSelectByRequest),
        mark_exact(db, kMarkExact) {}
  sql::Statement select_event;
  sql::Statement insert_event;
  sql::Statement update_event;
  sql::Statement update_tokens;
  sql::Statement upsert_file;
  sql::Statement insert_reject;
  sql::Statement delete_rejects;
  sql::Statement select_by_request;
  sql::Statement mark_exact;
  int64_t next_change_seq = 0;
  // Whether the ledger holds telemetry: only then may a transcript event
  // belong to an event telemetry created first.
  bool has_telemetry = false;
  RollupDelta rollup;  // This transaction's changes to usage_rollup.
};

Ledger::Ledger(std::unique_ptr<sql::Database> db,
               std::unique_ptr<WriterLock> lock)
    : db_(std::move(db)), lock_(std::move(lock)) {}

Ledger::~Ledger() = default;

Result<std::unique_ptr<Ledger>> Ledger::OpenForWrite(const std::string& path,
                                                     const std::string& holder,
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
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(*db), std::move(*lock)));
  ledger->st_ = std::make_unique<Statements>(ledger->db_->handle());
  if (prices != nullptr) ledger->SetPrices(prices);
  if (Status s = ledger->EnsurePriced(); !s.ok()) return s;
  return ledger;
}

Result<std::unique_ptr<Ledger>> Ledger::OpenCompanion(const std::string& path,
                                                     const PriceTable* prices) {
  Result<std::unique_ptr<Ledger>> ledger = OpenForShipping(path);
  if (!ledger.ok()) return ledger;
  // It appends telemetry to a few tables' ends: a small page cache does,
  // and keeps an idle receiver small.
  if (Status s = (*ledger)->db_->Exec("PRAGMA cache_size = -512"); !s.ok()) {
    return s;
  }
  (*ledger)->st_ = std::make_unique<Statements>((*ledger)->db_->handle());
  if (prices != nullptr) (*ledger)->SetPrices(prices);
  return ledger;
}

Result<std::unique_ptr<Ledger>> Ledger::OpenForShipping(
    const std::string& path) {
  Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(path, false);
  if (!db.ok()) return db.status();
  Result<int64_t> version = (*db)->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version != kSchemaVersion) {
    return Status::NotSupported("shipping needs a ledger at schema " +
                                std::to_string(kSchemaVersion));
  }
  return std::unique_ptr<Ledger>(new Ledger(std::move(*db), nullptr));
}

Result<std::unique_ptr<Ledger>> Ledger::OpenForRead(const std::string& path,
                                                    const PriceTable* prices) {
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
    if ((*db)->access() != sql::Access::kReadWrite) {
      return Status::IoError(
          "cannot read ledger " + path + ": it was written by an older " +
          "program (or never finished its first sync) and needs a writer " +
          "to bring it up to date, but it cannot be written (" +
          (*db)->access_note() + ")");
    }
    db->reset();
    Result<std::unique_ptr<Ledger>> writer = OpenForWrite(
        path,
        "pid " + std::to_string(getpid()) +
            " (context-cleaner, migrating the ledger for a reader)",
        prices);
    if (!writer.ok()) return writer.status();
    writer->reset();
    return OpenForRead(path, prices);
  }
  return std::unique_ptr<Ledger>(new Ledger(std::move(*db), nullptr));
}

const std::string& Ledger::access_note() const { return db_->access_note(); }

Result<std::vector<std::string>> Ledger::CheckIntegrity(bool quick,
                                                        int max_problems) {
  return db_->CheckIntegrity(quick, max_problems);
}

Status Ledger::CheckStillAtPath() const {
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
  if (lock_ != nullptr) return lock_->CheckStillAtPath();
  return Status::Ok();
}

Cost Ledger::CostOf(const Event& e) const {
  return prices_->CostOf(CostInput{e.tokens, e.attributes.model,
                                   e.attributes.speed, e.first.timestamp_ms});
}

Result<std::optional<std::string>> Ledger::EventKeyOfRequest(
    const std::string& request_id) {
  sql::Statement& st = st_->select_by_request;
  st.Bind(1, request_id);
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  std::optional<std::string> key;
  if (*row) key = st.Text(0);
  st.Reset();
  return key;
}

Status Ledger::MarkExact(const std::string& key) {
  st_->mark_exact.Bind(1, key);
  return st_->mark_exact.Run();
}

Result<bool> Ledger::MergeEvent(const Event& e, const std::string& source,
                                int64_t now_ms, CommitStats* stats,
                                AttributePolicy policy) {
  sql::Statement& select = st_->select_event;
  select.Bind(1, e.key);
  Result<bool> row = select.Step();
  if (!row.ok()) return row.status();
  if (!*row && st_->has_telemetry && policy == AttributePolicy::kEarliest) {
    // Telemetry may have made this request's event first ("otel:req"):
    // the transcript's record joins it, bringing its attributes.
    select.Reset();
    const std::string request_id = RequestIdOf(e.key);
    if (!request_id.empty()) {
      Result<std::optional<std::string>> other = EventKeyOfRequest(request_id);
      if (!other.ok()) return other.status();
      if (*other && **other != e.key) {
        Event joined = e;
        joined.key = **other;
        return MergeEvent(joined, source, now_ms, stats, AttributePolicy::kAdopt);
      }
    }
    select.Bind(1, e.key);
    row = select.Step();
    if (!row.ok()) return row.status();
  }
  if (!*row) {
    select.Reset();
    const Cost cost = CostOf(e);
    if (!cost.known) stats->unpriced_models.insert(e.attributes.model);
    const int64_t seq = st_->next_change_seq++;
    BindEvent(st_->insert_event, e, source, now_ms, seq, cost,
              prices_->version());
    if (Status s = st_->insert_event.Run(); !s.ok()) return s;
    Stage(e, source, seq, cost, /*first_seen_ms=*/now_ms, now_ms);
    st_->rollup.Insert(
        KeyOf(e, source),
        Contribution{e.first.timestamp_ms, e.tokens, cost.nano, cost.known});
    ++stats->events_new;
    stats->tokens_added += e.tokens.Total();
    return true;
  }
  // What is stored: enough to merge, re-price and move its rollup share.
  Event stored;
  stored.key = e.key;
  stored.tokens = TokensFromRow(select, 0);
  stored.first = Provenance{select.Int(8), select.Text(9), select.Uint(10)};
  stored.attributes.project = select.Text(11);
  stored.attributes.session_id = select.Text(12);
  stored.attributes.model = select.Text(13);
  const std::string stored_source = select.Text(14);
  stored.attributes.speed = select.Text(15);
  const Contribution before{stored.first.timestamp_ms, stored.tokens,
                            select.Int(16), select.Int(17) != 0};
  int64_t stored_first_seen_ms = 0;
  int64_t stored_seq = 0;
  if (tap_ != nullptr) {
    // The whole row, for the tap: the attributes an update keeps.
    Attributes& a = stored.attributes;
    a.cwd = select.Text(18);
    a.git_branch = select.Text(19);
    a.version = select.Text(20);
    a.agent_id = select.Text(21);
    a.is_sidechain = select.Int(22) != 0;
    stored_first_seen_ms = select.Int(23);
    stored_seq = select.Int(24);
  }
  select.Reset();

  // Attributes change only when the incoming record is earlier, or is the
  // first transcript record to join an event telemetry made (whose
  // attributes are telemetry's alone); from then on the earliest transcript
  // record wins, as it would have with no telemetry, so the order of
  // arrival does not matter. The stored attributes never need reading back.
  const bool telemetry_only = stored.first.file == kTelemetryProvenance;
  const bool earlier =
      (policy == AttributePolicy::kAdopt && telemetry_only) ||
      (policy != AttributePolicy::kKeep && e.first < stored.first);
  const uint64_t total_before = stored.tokens.Total();
  const bool grew = stored.tokens.MaxWith(e.tokens);
  // Fast mode is an OR over the event's records (core/event.cc).
  const bool now_fast =
      e.attributes.speed == kFastSpeed && stored.attributes.speed != kFastSpeed;
  if (!grew && !earlier && !now_fast) return false;
  const int64_t seq = st_->next_change_seq++;
  Event merged = stored;
  std::string merged_source = stored_source;
  if (earlier) {
    merged = e;
    merged.tokens = stored.tokens;
    merged_source = source;
  }
  if (now_fast || stored.attributes.speed == kFastSpeed) {
    merged.attributes.speed = kFastSpeed;
  }
  const Cost cost = CostOf(merged);
  if (!cost.known) stats->unpriced_models.insert(merged.attributes.model);
  if (earlier) {
    BindEvent(st_->update_event, merged, source, now_ms, seq, cost,
              prices_->version());
    if (Status s = st_->update_event.Run(); !s.ok()) return s;
  } else {
    st_->update_tokens.Bind(1, e.key);
    BindTokens(st_->update_tokens, 2, stored.tokens)
        .Bind(10, now_ms)
        .Bind(11, seq)
        .Bind(12, cost.nano)
        .Bind(13, int64_t{cost.known ? 1 : 0})
        .Bind(14, prices_->version())
        .Bind(15, merged.attributes.speed);
    if (Status s = st_->update_tokens.Run(); !s.ok()) return s;
  }
  if (tap_ != nullptr) {
    tap_->Superseded(stored_seq);
    Stage(merged, merged_source, seq, cost,
          stored_first_seen_ms, now_ms);
  }
  st_->rollup.Move(KeyOf(stored, stored_source), before,
                   KeyOf(merged, merged_source),
                   Contribution{merged.first.timestamp_ms, merged.tokens,
                                cost.nano, cost.known});
  ++stats->events_updated;
  stats->tokens_added += stored.tokens.Total() - total_before;
  return true;
}

Status Ledger::WriteCheckpoint(const Checkpoint& c, int64_t now_ms) {
  sql::Statement& st = st_->upsert_file;
  st.Bind(1, c.path)
      .Bind(2, c.root)
      .Bind(3, c.project)
      .Bind(4, c.identity.device)
      .Bind(5, c.identity.inode)
      .Bind(6, c.identity.size_bytes)
      .Bind(7, c.identity.mtime_ns)
      .Bind(8, c.offset)
      .Bind(9, c.fingerprint.head_length)
      .Bind(10, c.fingerprint.head_hash)
      .Bind(11, c.fingerprint.tail_length)
      .Bind(12, c.fingerprint.tail_hash)
      .Bind(13, c.lines)
      .Bind(14, c.records)
      .Bind(15, c.rejects)
      .Bind(16, c.rereads)
      .Bind(17, now_ms)
      .Bind(18, int64_t{c.restarted ? 1 : 0});
  return st.Run();
}

Result<CommitStats> Ledger::Commit(const Batch& batch,
                                   const std::string& source, int64_t now_ms) {
  CommitStats stats;
  Status s = sql::InTransaction(*db_, [&]() -> Status {
    if (Status bs = BeginChanges(); !bs.ok()) return bs;
    // A file read again from 0 gets its rejects anew (its lines may differ).
    for (const Checkpoint& c : batch.checkpoints) {
      if (!c.restarted) continue;
      st_->delete_rejects.Bind(1, c.path);
      if (Status ds = st_->delete_rejects.Run(); !ds.ok()) return ds;
    }
    for (const Event& e : batch.events) {
      Result<bool> merged = MergeEvent(e, source, now_ms, &stats);
      if (!merged.ok()) return merged.status();
    }
    for (const Reject& r : batch.rejects) {
      st_->insert_reject.Bind(1, r.file)
          .Bind(2, r.offset)
          .Bind(3, r.length)
          .Bind(4, r.reason)
          .Bind(5, r.head)
          .Bind(6, r.lines)
          .Bind(7, now_ms);
      if (Status rs = st_->insert_reject.Run(); !rs.ok()) return rs;
    }
    for (const Checkpoint& c : batch.checkpoints) {
      if (Status cs = WriteCheckpoint(c, now_ms); !cs.ok()) return cs;
    }
    return EndChanges();
  });
  EndTap(s);
  if (!s.ok()) return s;
  return stats;
}

void Ledger::SetOutboxTap(OutboxTap* tap) { tap_ = tap; }

void Ledger::Stage(const Event& e, const std::string& source, int64_t seq,
                   const Cost& cost, int64_t first_seen_ms, int64_t now_ms) {
  if (tap_ == nullptr) return;
  tap_->Row(OutboxRowView{e, source, cost.nano, cost.known,
                          prices_->version(), seq, first_seen_ms, now_ms});
}

void Ledger::EndTap(const Status& committed) {
  if (tap_ == nullptr) return;
  if (committed.ok()) {
    tap_->Committed(st_->next_change_seq);
  } else {
    tap_->RolledBack();
  }
}

Status Ledger::BeginChanges() {
  st_->rollup = RollupDelta();  // Nothing left from a rolled-back try.
  Result<int64_t> next = db_->QueryInt(
      "SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
      "'next_change_seq'");
  if (!next.ok()) return next.status();
  st_->next_change_seq = *next;
  if (tap_ != nullptr) tap_->Begin(*next);
  Result<int64_t> telemetry =
      db_->QueryInt("SELECT EXISTS(SELECT 1 FROM otel_requests)");
  if (!telemetry.ok()) return telemetry.status();
  st_->has_telemetry = *telemetry != 0;
  return Status::Ok();
}

Status Ledger::EndChanges() {
  if (Status rs = st_->rollup.Apply(*db_); !rs.ok()) return rs;
  if (Status ns = NotePriceVersion(); !ns.ok()) return ns;
  sql::Statement save(db_->handle(),
                      "UPDATE meta SET value = ?1 WHERE key = "
                      "'next_change_seq'");
  save.Bind(1, std::to_string(st_->next_change_seq));
  return save.Run();
}

namespace {

constexpr const char* kPriceVersionsKey = "price_versions";

// The versions are kept one per line.
std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

Status Ledger::EnsurePriced() {
  if (price_state_checked_) return Status::Ok();
  Result<std::string> versions = ReadMeta(*db_, kPriceVersionsKey);
  if (!versions.ok()) return versions.status();
  if (versions->empty()) {
    Result<RepriceStats> r = Reprice();
    if (!r.ok()) return r.status();
  }
  price_state_checked_ = true;
  return Status::Ok();
}

Status Ledger::NotePriceVersion() {
  Result<std::string> versions = ReadMeta(*db_, kPriceVersionsKey);
  if (!versions.ok()) return versions.status();
  for (const std::string& v : SplitLines(*versions)) {
    if (v == prices_->version()) return Status::Ok();
  }
  return WriteMeta(*db_, kPriceVersionsKey,
                   *versions + prices_->version() + "\n");
}

Result<std::vector<std::string>> Ledger::PriceVersions() {
  Result<std::string> versions = ReadMeta(*db_, kPriceVersionsKey);
  if (!versions.ok()) return versions.status();
  return SplitLines(*versions);
}

Result<RepriceStats> Ledger::Reprice() {
  RepriceStats stats;
  stats.price_version = prices_->version();
  Status s = sql::InTransaction(*db_, [&]() -> Status {
    struct Change {
      int64_t rowid;
      Cost cost;
      bool changed;
    };
    std::vector<Change> changes;
    sql::Statement read(db_->handle(), R"sql(
      SELECT rowid, input_tokens, output_tokens, cache_creation_tokens,
        cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens,
        web_search_requests, web_fetch_requests, timestamp_ms, model, speed,
        cost_nano, priced FROM events)sql");
    for (;;) {
      Result<bool> more = read.Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
      const Tokens t = TokensFromRow(read, 1);
      const std::string model = read.Text(10);
      const std::string speed = read.Text(11);
      const Cost cost =
          prices_->CostOf(CostInput{t, model, speed, read.Int(9)});
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
      update.Bind(1, c.rowid)
          .Bind(2, c.cost.nano)
          .Bind(3, int64_t{c.cost.known ? 1 : 0})
          .Bind(4, prices_->version())
          .Bind(5, int64_t{c.changed ? 1 : 0})
          .Bind(6, seq);
      if (c.changed) ++seq;
      if (Status us = update.Run(); !us.ok()) return us;
    }
    if (Status ms = WriteMeta(*db_, "next_change_seq", std::to_string(seq));
        !ms.ok()) {
      return ms;
    }
    if (Status rs = RebuildRollup(*db_); !rs.ok()) return rs;
    return WriteMeta(*db_, kPriceVersionsKey, prices_->version() + "\n");
  });
  if (!s.ok()) return s;
  price_state_checked_ = true;
  return stats;
}

Status Ledger::MarkGone(const std::vector<std::string>& paths) {
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

Result<int64_t> Ledger::BeginRun(const std::string& mode,
                                 const std::string& source, int64_t now_ms) {
  sql::Statement st(db_->handle(), R"sql(
    INSERT INTO sync_runs(mode, pid, source, started_ms, heartbeat_ms, result)
    VALUES(?1, ?2, ?3, ?4, ?4, 'running'))sql");
  st.Bind(1, mode).Bind(2, int64_t{getpid()}).Bind(3, source).Bind(4, now_ms);
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
  st.Bind(1, id)
      .Bind(2, now_ms)
      .Bind(3, c.files_scanned)
      .Bind(4, c.files_new)
      .Bind(5, c.files_changed)
      .Bind(6, c.files_reread)
      .Bind(7, c.files_gone)
      .Bind(8, c.bytes_read)
      .Bind(9, c.lines)
      .Bind(10, c.events_new)
      .Bind(11, c.events_updated)
      .Bind(12, c.rejects);
}

}  // namespace

Status Ledger::Heartbeat(int64_t run_id, const RunCounters& counters,
                         int64_t now_ms, std::optional<int64_t> last_sync_ms) {
  sql::Statement st(db_->handle(), kUpdateRun);
  BindRun(st, run_id, counters, now_ms);
  st.BindNull(13).BindNull(14).BindNull(15);
  if (last_sync_ms) st.Bind(16, *last_sync_ms);
  return st.Run();
}

Status Ledger::FinishRun(int64_t run_id, const RunCounters& counters,
                         const std::string& result, const std::string& error,
                         int64_t now_ms) {
  sql::Statement st(db_->handle(), kUpdateRun);
  BindRun(st, run_id, counters, now_ms);
  st.Bind(13, now_ms).Bind(14, result).Bind(15, error).Bind(16, now_ms);
  return st.Run();
}

}  // namespace cc
