// Ledger: the shipping side of the outbox (ledger.h, "Shipping").
//
// Marks in `meta`: frozen_change_seq (the outbox is cut into batches up to
// here) and shipped_change_seq (ClickHouse confirmed everything up to here,
// so the outbox after it is what an outage leaves to send).
#include <string>

#include "ledger/ledger.h"
#include "ledger/meta.h"
#include "ledger/sqlite_db.h"

namespace cc {
namespace {

int64_t AsInt(const std::string& s) { return s.empty() ? 0 : std::stoll(s); }

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
  st.Bind(1, b.first_seq)
      .Bind(2, b.last_seq)
      .Bind(3, b.rows)
      .Bind(4, b.token)
      .Bind(5, b.frozen_ms)
      .Bind(6, b.attempts)
      .Bind(7, b.next_attempt_ms)
      .Bind(8, b.last_error);
  return st.Run();
}

}  // namespace

Result<ShipState> Ledger::ShippingState() {
  ShipState s;
  for (auto [key, slot] :
       {std::pair<const char*, std::string*>{"ledger_id", &s.ledger_id},
        {"ship_target", &s.target},
        {"ship_status", &s.status},
        {"ship_last_error", &s.last_error}}) {
    Result<std::string> v = ReadMeta(*db_, key);
    if (!v.ok()) return v.status();
    *slot = *v;
  }
  Result<std::string> shipped = ReadMeta(*db_, "shipped_change_seq");
  Result<std::string> frozen = ReadMeta(*db_, "frozen_change_seq");
  Result<std::string> success = ReadMeta(*db_, "ship_last_success_ms");
  if (!shipped.ok()) return shipped.status();
  if (!frozen.ok()) return frozen.status();
  if (!success.ok()) return success.status();
  s.shipped_seq = AsInt(*shipped);
  s.frozen_seq = AsInt(*frozen);
  if (!success->empty()) s.last_success_ms = AsInt(*success);
  sql::Statement pending(db_->handle(),
                         "SELECT COUNT(*), MIN(last_seen_ms) FROM events "
                         "WHERE change_seq > ?1");
  pending.Bind(1, s.shipped_seq);
  Result<bool> row = pending.Step();
  if (!row.ok()) return row.status();
  s.pending_events = pending.Uint(0);
  if (!pending.IsNull(1)) s.oldest_pending_ms = pending.Int(1);
  pending.Reset();
  Result<int64_t> batches = db_->QueryInt("SELECT COUNT(*) FROM ship_batches");
  if (!batches.ok()) return batches.status();
  s.batches = static_cast<uint64_t>(*batches);
  Result<int64_t> rejects = db_->QueryInt("SELECT COUNT(*) FROM ship_rejects");
  if (!rejects.ok()) return rejects.status();
  s.rejected_rows = static_cast<uint64_t>(*rejects);
  return s;
}

Result<std::string> Ledger::ShipTarget() { return ReadMeta(*db_, "ship_target"); }

Result<ShipMarks> Ledger::ShippingMarks() {
  ShipMarks m;
  Result<std::string> id = ReadMeta(*db_, "ledger_id");
  if (!id.ok()) return id.status();
  Result<std::string> frozen = ReadMeta(*db_, "frozen_change_seq");
  if (!frozen.ok()) return frozen.status();
  m.ledger_id = *id;
  m.frozen_seq = AsInt(*frozen);
  return m;
}

Status Ledger::FreezeShipBatch(ShipBatch batch) {
  return sql::InTransaction(*db_, [&]() -> Status {
    if (Status s = InsertBatch(*db_, batch); !s.ok()) return s;
    return WriteMeta(*db_, "frozen_change_seq", std::to_string(batch.last_seq));
  });
}

Result<std::optional<ShipBatch>> Ledger::OldestShipBatch() {
  sql::Statement st(db_->handle(), std::string(kBatchColumns) +
                                       " ORDER BY first_seq, id LIMIT 1");
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<ShipBatch>();
  return std::optional<ShipBatch>(BatchFromRow(st));
}

Status Ledger::AckShipBatch(int64_t id, int64_t now_ms) {
  return sql::InTransaction(*db_, [&]() -> Status {
    sql::Statement del(db_->handle(), "DELETE FROM ship_batches WHERE id = ?1");
    del.Bind(1, id);
    if (Status s = del.Run(); !s.ok()) return s;
    // Confirmed up to just before the oldest batch still waiting.
    Result<int64_t> waiting = db_->QueryInt(
        "SELECT COALESCE(MIN(first_seq) - 1, -1) FROM ship_batches");
    if (!waiting.ok()) return waiting.status();
    Result<std::string> frozen = ReadMeta(*db_, "frozen_change_seq");
    if (!frozen.ok()) return frozen.status();
    const int64_t shipped = *waiting >= 0 ? *waiting : AsInt(*frozen);
    if (Status s =
            WriteMeta(*db_, "shipped_change_seq", std::to_string(shipped));
        !s.ok()) {
      return s;
    }
    return WriteMeta(*db_, "ship_last_success_ms", std::to_string(now_ms));
  });
}

Status Ledger::DeferShipBatch(int64_t id, uint64_t attempts,
                              int64_t next_attempt_ms,
                              const std::string& error) {
  sql::Statement st(db_->handle(), R"sql(
    UPDATE ship_batches SET attempts = ?2, next_attempt_ms = ?3,
      last_error = ?4 WHERE id = ?1)sql");
  st.Bind(1, id).Bind(2, attempts).Bind(3, next_attempt_ms).Bind(4, error);
  return st.Run();
}

Status Ledger::SplitShipBatch(int64_t id, const std::vector<ShipBatch>& parts) {
  return sql::InTransaction(*db_, [&]() -> Status {
    sql::Statement del(db_->handle(), "DELETE FROM ship_batches WHERE id = ?1");
    del.Bind(1, id);
    if (Status s = del.Run(); !s.ok()) return s;
    for (const ShipBatch& p : parts) {
      if (Status s = InsertBatch(*db_, p); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

Status Ledger::RejectShipRow(const std::string& token, const std::string& row,
                             const std::string& error, int64_t now_ms) {
  sql::Statement st(db_->handle(), R"sql(
    INSERT INTO ship_rejects(token, row, error, seen_ms)
    VALUES(?1, ?2, ?3, ?4))sql");
  st.Bind(1, token).Bind(2, row).Bind(3, error).Bind(4, now_ms);
  return st.Run();
}

Status Ledger::SetShipStatus(const std::string& target,
                             const std::string& status,
                             const std::string& error) {
  return sql::InTransaction(*db_, [&]() -> Status {
    if (Status s = WriteMeta(*db_, "ship_target", target); !s.ok()) return s;
    if (Status s = WriteMeta(*db_, "ship_status", status); !s.ok()) return s;
    return WriteMeta(*db_, "ship_last_error", error);
  });
}

}  // namespace cc
