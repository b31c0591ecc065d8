// CommitHook: work that commits with the events (budgets' alerts,
// budget/budget_evaluator.h). EventStore::InChanges runs it inside every
// writing transaction — LedgerWriter::Commit's and
// TelemetryStore::CommitTelemetry's — after the rollup took the
// transaction's changes and before COMMIT: what it writes commits with the
// events that caused it, or not at all.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/status.h"

namespace cc {

namespace sql {
class Database;
}

// What the transaction changed, for a hook to decide whether it has work.
struct CommitSummary {
  // meta's next_change_seq when the transaction began and as it commits:
  // equal when no event changed. A hook that keeps state between commits
  // trusts it only while each transaction begins where the last one it
  // saw ended (no other connection, no reprice, no rollback in between).
  int64_t change_seq_before = 0;
  int64_t change_seq_after = 0;
  // The rollup quarter hours (ledger/rollup.h: RollupBucket) the
  // transaction changed, ascending; empty when no usage changed.
  std::vector<int64_t> buckets;
};

class CommitHook {
 public:
  virtual ~CommitHook() = default;
  // Inside the transaction, on the writer's connection and thread; `db`
  // serves the ledger's functions that take one (ledger/spend_rows.h,
  // ledger/fired_alerts.h). An error rolls the whole transaction back.
  virtual Status InTransaction(sql::Database& db, const CommitSummary& what,
                               int64_t now_ms) = 0;
  // After the transaction: whether it committed (false: rolled back, and
  // whatever InTransaction wrote with it).
  virtual void AfterCommit(bool committed) = 0;
};

// Makes one hook per writing connection (a hook keeps per-connection
// state); empty: no hook.
using CommitHookFactory = std::function<std::unique_ptr<CommitHook>()>;

}  // namespace cc
