// ShipQueue: the shipping side of the outbox (docs/clickhouse.md): the
// events changed since a mark, cut into frozen batches, and the telemetry
// records after theirs, with the marks of what ClickHouse confirmed.
//
// Contract:
//  - Open() is a companion connection (ledger_writer.h) for the shipping
//    thread; or a LedgerWriter's ship_queue().
//  - Marks in `meta`: frozen_change_seq (the outbox is cut into batches up
//    to here) and shipped_change_seq (ClickHouse confirmed everything up
//    to here, so the outbox after it is what an outage leaves to send).
// Thread safety: one thread per ShipQueue (its connection's).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "ledger/event_columns.h"

namespace cc {

namespace sql {
class Database;
}

// A batch of outbox rows frozen for shipping: a change_seq range and a
// deduplication token, fixed before the first send. Each send reads the
// range afresh; a row that changed since moved to a later change_seq (and
// a later batch), so a re-send carries the rows first sent or fewer, never
// other values under the same token.
struct ShipBatch {
  int64_t id = 0;
  int64_t first_seq = 0;  // The change_seq range it covers (inclusive).
  int64_t last_seq = 0;
  uint64_t rows = 0;  // When frozen.
  std::string token;  // insert_deduplication_token.
  int64_t frozen_ms = 0;
  uint64_t attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string last_error;
};

// What freezing needs of an outbox row: its place and its age.
struct OutboxMark {
  int64_t change_seq = 0;
  int64_t last_seen_ms = 0;
};

// The first `rows` changes after a mark: what a batch frozen now would hold.
struct OutboxSpan {
  uint64_t rows = 0;
  int64_t first_seq = 0;
  int64_t last_seq = 0;
};

// The two things freezing needs, cheaply.
struct ShipMarks {
  std::string ledger_id;
  int64_t frozen_seq = 0;
};

// A stored telemetry record on its way to ClickHouse: its table's rowid
// (the tables only grow, so a rowid range always reads the same rows), and
// what the record said, as attributes.
struct TelemetryRow {
  int64_t rowid = 0;
  std::string event;  // "claude_code.api_request" or "claude_code.api_error".
  int64_t event_ms = 0;
  std::string source;
  std::vector<std::pair<std::string, std::string>> attributes;
};

class ShipQueue {
 public:
  ~ShipQueue();

  static Result<std::unique_ptr<ShipQueue>> Open(const std::string& path);

  // --- The outbox: events by change_seq ---
  // Up to `limit` outbox rows with after_seq < change_seq <= up_to_seq, in
  // change_seq order: what freezing and splitting need to cut batches.
  Result<std::vector<OutboxMark>> OutboxMarks(int64_t after_seq,
                                              int64_t up_to_seq, size_t limit);
  // The same range's size and ends without its times, from the index alone
  // (freezing when nothing needs to wait for age).
  Result<OutboxSpan> OutboxSpanAfter(int64_t after_seq, size_t limit);
  // Calls `fn` for each event with first_seq <= change_seq <= last_seq, in
  // change_seq order. The row passed is reused between calls.
  Status ForEachOutboxEvent(int64_t first_seq, int64_t last_seq,
                            const std::function<void(const EventRow&)>& fn);

  // --- Frozen batches ---
  Result<ShipMarks> ShippingMarks();
  // Freezes `batch` (rows first_seq..last_seq) and moves the frozen mark.
  Status FreezeShipBatch(ShipBatch batch);
  // The oldest frozen batch, if any.
  Result<std::optional<ShipBatch>> OldestShipBatch();
  // Confirmed by ClickHouse: drop it; the shipped mark moves to the end of
  // the oldest batch still waiting (or the frozen mark if none is).
  Status AckShipBatch(int64_t id, int64_t now_ms);
  Status DeferShipBatch(int64_t id, uint64_t attempts, int64_t next_attempt_ms,
                        const std::string& error);
  // Replaces a batch by its parts (a split to isolate a bad row).
  Status SplitShipBatch(int64_t id, const std::vector<ShipBatch>& parts);
  // A row ClickHouse refused on its own: kept here, never sent again.
  Status RejectShipRow(const std::string& token, const std::string& row,
                       const std::string& error, int64_t now_ms);
  Status SetShipStatus(const std::string& target, const std::string& status,
                       const std::string& error);

  // --- Telemetry ---
  // Stored requests (errors: `errors`) with rowid > after, at most `limit`,
  // in rowid order; and the mark of what ClickHouse confirmed of each.
  Result<std::vector<TelemetryRow>> TelemetryAfter(bool errors, int64_t after,
                                                   size_t limit);
  Result<int64_t> TelemetryShippedMark(bool errors);
  Status SetTelemetryShippedMark(bool errors, int64_t rowid);

 private:
  friend class LedgerWriter;
  // Over `db`, owned when `owned` holds it (else a writer's).
  ShipQueue(sql::Database& db, std::unique_ptr<sql::Database> owned);

  std::unique_ptr<sql::Database> owned_;
  sql::Database& db_;
};

}  // namespace cc
