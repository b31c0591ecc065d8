#include "ledger/ship_queue.h"

#include <string>

#include "ledger/meta.h"
#include "ledger/query_rows.h"
#include "ledger/schema.h"
#include "ledger/sqlite_db.h"

namespace cc {
namespace {

ShipBatch BatchFromRow(const sql::Statement& row) {
  ShipBatch b;
  b.id = row.Int(0);
  b.first_seq = row.Int(1);
  b.last_seq = row.Int(2);
  b.rows = row.Uint(3);
  b.token = row.Text(4);
  b.frozen_ms = row.Int(5);
  b.attempts = row.Uint(6);
  b.next_attempt_ms = row.Int(7);
  b.last_error = row.Text(8);
  return b;
}

constexpr const char* kBatchColumns =
    "SELECT id, first_seq, last_seq, rows, token, frozen_ms, "
    "attempts, next_attempt_ms, last_error FROM ship_batches";

Status InsertBatch(sql::Database& db, const ShipBatch& b) {
  sql::Statement st(db.handle(), R"sql(
    INSERT INTO ship_batches(first_seq, last_seq, rows, token, frozen_ms,
      attempts, next_attempt_ms, last_error)
    VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql");
  st.BindFrom(1, b.first_seq, b.last_seq, b.rows, b.token, b.frozen_ms,
              b.attempts, b.next_attempt_ms, b.last_error);
  return st.Run();
}

}  // namespace

ShipQueue::ShipQueue(sql::Database& db, std::unique_ptr<sql::Database> owned)
    : owned_(std::move(owned)), db_(db) {}

ShipQueue::~ShipQueue() = default;

Result<std::unique_ptr<ShipQueue>> ShipQueue::Open(const std::string& path) {
  Result<std::unique_ptr<sql::Database>> db = OpenAtCurrentSchema(path);
  if (!db.ok()) return db.status();
  sql::Database& d = **db;
  return std::unique_ptr<ShipQueue>(new ShipQueue(d, std::move(*db)));
}

Result<std::vector<OutboxMark>> ShipQueue::OutboxMarks(int64_t after_seq,
                                                       int64_t up_to_seq,
                                                       size_t limit) {
  sql::Statement st(db_.handle(), R"sql(
    SELECT change_seq, last_seen_ms FROM events
    WHERE change_seq > ?1 AND change_seq <= ?2
    ORDER BY change_seq LIMIT ?3)sql");
  st.BindFrom(1, after_seq, up_to_seq, static_cast<int64_t>(limit));
  std::vector<OutboxMark> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& row) {
    out.push_back(OutboxMark{row.Int(0), row.Int(1)});
  });
  if (!s.ok()) return s;
  return out;
}

Result<OutboxSpan> ShipQueue::OutboxSpanAfter(int64_t after_seq, size_t limit) {
  // Only the change_seq index is read: no row is visited.
  sql::Statement st(db_.handle(), R"sql(
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

Status ShipQueue::ForEachOutboxEvent(
    int64_t first_seq, int64_t last_seq,
    const std::function<void(const EventRow&)>& fn) {
  sql::Statement st(db_.handle(), "SELECT " + StoredEventColumns() +
                                      " FROM events WHERE change_seq >= ?1 AND "
                                      "change_seq <= ?2 ORDER BY change_seq");
  st.Bind(1, first_seq).Bind(2, last_seq);
  // One object, its strings reassigned in place: no allocation per row once
  // their capacities have grown.
  EventRow o;
  return ForEachRow(st, [&o, &fn](const sql::Statement& row) {
    ReadEventRow(row, 0, o);
    fn(o);
  });
}

Result<ShipMarks> ShipQueue::ShippingMarks() {
  ShipMarks m;
  Result<std::string> id = ReadMeta(db_, "ledger_id");
  if (!id.ok()) return id.status();
  Result<std::string> frozen = ReadMeta(db_, "frozen_change_seq");
  if (!frozen.ok()) return frozen.status();
  m.ledger_id = *id;
  m.frozen_seq = MetaAsInt(*frozen);
  return m;
}

Status ShipQueue::FreezeShipBatch(ShipBatch batch) {
  return sql::InTransaction(db_, [&]() -> Status {
    if (Status s = InsertBatch(db_, batch); !s.ok()) return s;
    return WriteMeta(db_, "frozen_change_seq", std::to_string(batch.last_seq));
  });
}

Result<std::optional<ShipBatch>> ShipQueue::OldestShipBatch() {
  sql::Statement st(db_.handle(), std::string(kBatchColumns) +
                                      " ORDER BY first_seq, id LIMIT 1");
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<ShipBatch>();
  return std::optional<ShipBatch>(BatchFromRow(st));
}

Status ShipQueue::AckShipBatch(int64_t id, int64_t now_ms) {
  return sql::InTransaction(db_, [&]() -> Status {
    sql::Statement del(db_.handle(), "DELETE FROM ship_batches WHERE id = ?1");
    del.Bind(1, id);
    if (Status s = del.Run(); !s.ok()) return s;
    // Confirmed up to just before the oldest batch still waiting.
    Result<int64_t> waiting = db_.QueryInt(
        "SELECT COALESCE(MIN(first_seq) - 1, -1) FROM ship_batches");
    if (!waiting.ok()) return waiting.status();
    Result<std::string> frozen = ReadMeta(db_, "frozen_change_seq");
    if (!frozen.ok()) return frozen.status();
    const int64_t shipped = *waiting >= 0 ? *waiting : MetaAsInt(*frozen);
    if (Status s =
            WriteMeta(db_, "shipped_change_seq", std::to_string(shipped));
        !s.ok()) {
      return s;
    }
    return WriteMeta(db_, "ship_last_success_ms", std::to_string(now_ms));
  });
}

Status ShipQueue::DeferShipBatch(int64_t id, uint64_t attempts,
                                 int64_t next_attempt_ms,
                                 const std::string& error) {
  sql::Statement st(db_.handle(), R"sql(
    UPDATE ship_batches SET attempts = ?2, next_attempt_ms = ?3,
      last_error = ?4 WHERE id = ?1)sql");
  st.BindFrom(1, id, attempts, next_attempt_ms, error);
  return st.Run();
}

Status ShipQueue::SplitShipBatch(int64_t id,
                                 const std::vector<ShipBatch>& parts) {
  return sql::InTransaction(db_, [&]() -> Status {
    sql::Statement del(db_.handle(), "DELETE FROM ship_batches WHERE id = ?1");
    del.Bind(1, id);
    if (Status s = del.Run(); !s.ok()) return s;
    for (const ShipBatch& p : parts) {
      if (Status s = InsertBatch(db_, p); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

Status ShipQueue::RejectShipRow(const std::string& token,
                                const std::string& row,
                                const std::string& error, int64_t now_ms) {
  sql::Statement st(db_.handle(), R"sql(
    INSERT INTO ship_rejects(token, row, error, seen_ms)
    VALUES(?1, ?2, ?3, ?4))sql");
  st.BindFrom(1, token, row, error, now_ms);
  return st.Run();
}

Status ShipQueue::SetShipStatus(const std::string& target,
                                const std::string& status,
                                const std::string& error) {
  return sql::InTransaction(db_, [&]() -> Status {
    if (Status s = WriteMeta(db_, "ship_target", target); !s.ok()) return s;
    if (Status s = WriteMeta(db_, "ship_status", status); !s.ok()) return s;
    return WriteMeta(db_, "ship_last_error", error);
  });
}

Result<std::vector<TelemetryRow>> ShipQueue::TelemetryAfter(bool errors,
                                                            int64_t after,
                                                            size_t limit) {
  static const char* kRequestColumns[] = {"request_id",
                                          "session.id",
                                          "user.account_uuid",
                                          "organization.id",
                                          "user.email",
                                          "terminal.type",
                                          "app.version",
                                          "model",
                                          "speed",
                                          "input_tokens",
                                          "output_tokens",
                                          "cache_read_tokens",
                                          "cache_creation_tokens",
                                          "cost_usd",
                                          "duration_ms"};
  static const char* kErrorColumns[] = {"request_id",  "session.id", "model",
                                        "status_code", "error",      "attempt",
                                        "duration_ms"};
  sql::Statement st(
      db_.handle(),
      errors
          ? "SELECT rowid, event_ms, source, request_id, session_id, model, "
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
    const size_t n =
        errors ? std::size(kErrorColumns) : std::size(kRequestColumns);
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

Result<int64_t> ShipQueue::TelemetryShippedMark(bool errors) {
  Result<std::string> v = ReadMeta(db_, errors ? "otel_errors_shipped_rowid"
                                               : "otel_requests_shipped_rowid");
  if (!v.ok()) return v.status();
  return v->empty() ? 0 : std::stoll(*v);
}

Status ShipQueue::SetTelemetryShippedMark(bool errors, int64_t rowid) {
  return WriteMeta(
      db_, errors ? "otel_errors_shipped_rowid" : "otel_requests_shipped_rowid",
      std::to_string(rowid));
}

}  // namespace cc
