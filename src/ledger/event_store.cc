#include "ledger/event_store.h"

#include "ledger/commit_hook.h"
#include "ledger/event_columns.h"
#include "ledger/meta.h"
#include "ledger/outbox_tap.h"
#include "ledger/rollup.h"
#include "ledger/sqlite_db.h"

namespace cc {
namespace {

// The event holding request id ?1 (the key's part after ':'), if any: a
// transcript's "msg:req" or telemetry's "otel:req" (events_by_request).
constexpr const char* kSelectByRequest = R"sql(
SELECT key FROM events
WHERE instr(key, ':') > 0 AND substr(key, instr(key, ':') + 1) = ?1
LIMIT 1)sql";

constexpr const char* kMarkExact = "UPDATE events SET exact = 1 WHERE key = ?1";

// The latest end the ledger knows for a file (its checkpoint's).
constexpr const char* kSelectFileEnd = "SELECT end_ms FROM files WHERE path = ?1";

// The request id in a transcript event's key ("msg_x:req_y" -> "req_y").
std::string RequestIdOf(const std::string& key) {
  const size_t colon = key.find(':');
  return colon == std::string::npos ? "" : key.substr(colon + 1);
}

RollupKey KeyOf(const Event& e, const std::string& source) {
  return RollupKey{RollupBucket(e.first.timestamp_ms), e.attributes.project,
                   e.attributes.session_id, e.attributes.model, source};
}

}  // namespace

struct EventStore::Statements {
  explicit Statements(sqlite3* db)
      : select_event(db, "SELECT " + StoredEventColumns() +
                             " FROM events WHERE key = ?1"),
        insert_event(db, "INSERT INTO events(" + StoredEventColumns() +
                             ") VALUES(" + StoredEventParams(1) + ")"),
        update_event(db, "UPDATE events SET " + StoredEventAssignments(1) +
                             " WHERE key = ?1"),
        update_merged(db, "UPDATE events SET " +
                              StoredEventAssignments(1, /*merged=*/true) +
                              " WHERE key = ?1"),
        select_by_request(db, kSelectByRequest),
        mark_exact(db, kMarkExact),
        select_file_end(db, kSelectFileEnd) {}
  sql::Statement select_event;
  sql::Statement insert_event;
  sql::Statement update_event;
  sql::Statement update_merged;  // The columns a merge may change alone.
  sql::Statement select_by_request;
  sql::Statement mark_exact;
  sql::Statement select_file_end;
  int64_t next_change_seq = 0;
  // Whether the ledger holds telemetry: only then may a transcript event
  // belong to an event telemetry created first.
  bool has_telemetry = false;
  RollupDelta rollup;  // This transaction's changes to usage_rollup.
  EventRow row;        // The row being written, its strings reused.
};

EventStore::EventStore(sql::Database& db)
    : db_(db), st_(std::make_unique<Statements>(db.handle())) {}

EventStore::~EventStore() = default;

void EventStore::SetPrices(const PriceTable* prices) {
  prices_ = prices != nullptr ? prices : &PriceTable::Embedded();
}

Cost EventStore::CostOf(const Event& e) const {
  return prices_->CostOf(CostInputOf(e));
}

Result<std::optional<std::string>> EventStore::EventKeyOfRequest(
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

Status EventStore::MarkExact(const std::string& key) {
  st_->mark_exact.Bind(1, key);
  return st_->mark_exact.Run();
}

Result<bool> EventStore::RaiseStoredFileEnd(const Event& e, Event& stored,
                                            AttributePolicy policy) {
  Provenance& first = stored.first;
  if (policy == AttributePolicy::kKeep ||
      e.first.timestamp_ms != first.timestamp_ms || e.first.file == first.file ||
      first.file == kTelemetryProvenance) {
    return false;
  }
  sql::Statement& st = st_->select_file_end;
  st.Bind(1, first.file);
  Result<bool> found = st.Step();
  if (!found.ok()) return found.status();
  const int64_t end = *found ? st.Int(0) : 0;
  st.Reset();
  if (end <= first.file_end_ms) return false;
  first.file_end_ms = end;
  return true;
}

Result<bool> EventStore::Merge(const Event& e, const std::string& source,
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
        return Merge(joined, source, now_ms, stats, AttributePolicy::kAdopt);
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
    EventRow& inserted = st_->row;
    inserted.event = e;
    inserted.source = source;
    inserted.cost_nano = cost.nano;
    inserted.priced = cost.known;
    inserted.price_version = prices_->version();
    inserted.change_seq = st_->next_change_seq++;
    inserted.first_seen_ms = inserted.last_seen_ms = now_ms;
    inserted.exact = false;
    BindEventRow(st_->insert_event, 1, inserted);
    if (Status s = st_->insert_event.Run(); !s.ok()) return s;
    if (tap_ != nullptr) tap_->Row(inserted);
    st_->rollup.Insert(
        KeyOf(e, source),
        Contribution{e.first.timestamp_ms, e.tokens, cost.nano, cost.known});
    ++stats->events_new;
    stats->tokens_added += e.tokens.Total();
    return true;
  }
  // The stored row, merged by the one rule (Event::Merge) and written back.
  EventRow& now = st_->row;
  ReadEventRow(select, 0, now);
  select.Reset();
  Event& stored = now.event;
  const RollupKey key_before = KeyOf(stored, now.source);
  const Contribution before{stored.first.timestamp_ms, stored.tokens,
                            now.cost_nano, now.priced};
  const int64_t seq_before = now.change_seq;
  const uint64_t total_before = stored.tokens.Total();
  const Provenance first_before = stored.first;
  Result<bool> raised = RaiseStoredFileEnd(e, stored, policy);
  if (!raised.ok()) return raised.status();
  if (!stored.Merge(e, policy) && !*raised) return false;
  // The attributes came with the incoming record: so does its source.
  if (stored.first.file != first_before.file ||
      stored.first.offset != first_before.offset) {
    now.source = source;
  }
  const Cost cost = CostOf(stored);
  if (!cost.known) stats->unpriced_models.insert(stored.attributes.model);
  now.cost_nano = cost.nano;
  now.priced = cost.known;
  now.price_version = prices_->version();
  now.change_seq = st_->next_change_seq++;
  now.last_seen_ms = now_ms;
  // Only the earlier first record (or telemetry's replaced) brings new
  // attributes; otherwise the merge changed only the `merged` columns.
  const bool narrow =
      stored.first == first_before && first_before.file != kTelemetryProvenance;
  sql::Statement& update = narrow ? st_->update_merged : st_->update_event;
  BindEventRow(update, 1, now, narrow);
  if (Status s = update.Run(); !s.ok()) return s;
  if (tap_ != nullptr) {
    tap_->Superseded(seq_before);
    tap_->Row(now);
  }
  st_->rollup.Move(key_before, before, KeyOf(stored, now.source),
                   Contribution{stored.first.timestamp_ms, stored.tokens,
                                cost.nano, cost.known});
  ++stats->events_updated;
  stats->tokens_added += stored.tokens.Total() - total_before;
  return true;
}

Status EventStore::InChanges(int64_t now_ms,
                             const std::function<Status()>& body) {
  CommitSummary summary;
  Status s = sql::InTransaction(db_, [&]() -> Status {
    if (Status bs = BeginChanges(); !bs.ok()) return bs;
    summary.change_seq_before = st_->next_change_seq;
    if (Status bs = body(); !bs.ok()) return bs;
    summary.buckets = st_->rollup.Buckets();
    summary.change_seq_after = st_->next_change_seq;
    if (Status es = EndChanges(); !es.ok()) return es;
    if (hook_ == nullptr) return Status::Ok();
    return hook_->InTransaction(db_, summary, now_ms);
  });
  if (tap_ != nullptr) {
    if (s.ok()) {
      tap_->Committed(st_->next_change_seq);
    } else {
      tap_->RolledBack();
    }
  }
  if (hook_ != nullptr) hook_->AfterCommit(s.ok());
  return s;
}

Status EventStore::BeginChanges() {
  st_->rollup = RollupDelta();  // Nothing left from a rolled-back try.
  Result<int64_t> next = db_.QueryInt(
      "SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
      "'next_change_seq'");
  if (!next.ok()) return next.status();
  st_->next_change_seq = *next;
  if (tap_ != nullptr) tap_->Begin(*next);
  Result<int64_t> telemetry =
      db_.QueryInt("SELECT EXISTS(SELECT 1 FROM otel_requests)");
  if (!telemetry.ok()) return telemetry.status();
  st_->has_telemetry = *telemetry != 0;
  return Status::Ok();
}

Status EventStore::EndChanges() {
  if (Status rs = st_->rollup.Apply(db_); !rs.ok()) return rs;
  if (Status ns = NotePriceVersion(db_, prices_->version()); !ns.ok()) {
    return ns;
  }
  return WriteMeta(db_, "next_change_seq",
                   std::to_string(st_->next_change_seq));
}

}  // namespace cc
