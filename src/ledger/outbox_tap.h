// OutboxTap: the row states a writing transaction puts into the outbox, as
// the ledger writes them, and whether the transaction committed, so that a
// shipper in the same process can send them without reading them back from
// SQLite (clickhouse/outbox_row_cache.h; docs/clickhouse.md, "Figures").
//
// Contract (every call on the thread that writes):
//  - Begin(first_seq) opens a transaction whose change numbers start at
//    first_seq; a transaction retried after a rollback begins again.
//  - Row() is called once for each change number the transaction takes,
//    in order, with the state of the row written at it; Superseded() names
//    a change number whose row the transaction replaced (no row holds it
//    any more).
//  - Committed(end_seq) follows a successful COMMIT: the transaction took
//    [first_seq, end_seq). RolledBack() follows a failure, possibly with no
//    Begin() before it; what the transaction told is void.
//  - Only the transactions of the LedgerWriter the tap is attached to are
//    seen (with its telemetry()).
//    Another connection's (the OpenTelemetry receiver's TelemetryStore,
//    a reprice, another process) leave gaps between one transaction's end_seq
//    and the next one's first_seq: a tap must treat what it did not see as
//    unknown.
#pragma once

#include <cstdint>

#include "ledger/event_columns.h"

namespace cc {

class OutboxTap {
 public:
  virtual ~OutboxTap() = default;
  virtual void Begin(int64_t first_seq) = 0;
  virtual void Row(const EventRow& row) = 0;
  virtual void Superseded(int64_t change_seq) = 0;
  virtual void Committed(int64_t end_seq) = 0;
  virtual void RolledBack() = 0;
};

}  // namespace cc
