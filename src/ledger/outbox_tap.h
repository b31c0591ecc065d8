// OutboxTap: the row states a writing transaction put into the outbox,
// handed over once the transaction has committed, so that a shipper in the
// same process can send them without reading them back from SQLite
// (clickhouse/outbox_row_cache.h; docs/clickhouse.md, "Figures").
//
// Contract:
//  - Committed() is called after COMMIT succeeded, never for a transaction
//    that rolled back, on the thread that committed.
//  - A transaction takes the change numbers [first_seq, end_seq); `rows`
//    holds, in change_seq order, the state of the row written at each of
//    them (rows.size() == end_seq - first_seq).
//  - `superseded` lists the change numbers whose rows this transaction
//    replaced: no row holds them any more.
//  - Only the transactions of the Ledger the tap is attached to are seen.
//    Another connection's (the OpenTelemetry receiver's companion, another
//    process) leave gaps between one call's end_seq and the next call's
//    first_seq: a tap must treat what it did not see as unknown.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/ledger_types.h"

namespace cc {

class OutboxTap {
 public:
  virtual ~OutboxTap() = default;
  virtual void Committed(int64_t first_seq, int64_t end_seq,
                         const std::vector<OutboxEvent>& rows,
                         const std::vector<int64_t>& superseded) = 0;
};

}  // namespace cc
