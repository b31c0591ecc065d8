// LedgerWriter: the one writer of a ledger: the durable, exactly-once
// store of events, checkpoints, rejects and sync runs, in one SQLite file
// (docs/storage.md).
//
// Contract:
//  - Open() takes the WriterLock first: one writer per ledger. It creates
//    the file (0600) and its directory (0700) if needed, migrates it
//    (ledger/ledger_files.h) and prices a ledger whose events were never
//    priced (made before costs existed), before anything else.
//  - Commit() writes a Batch in one BEGIN IMMEDIATE transaction: events are
//    merged into what is stored (Event::Merge: field-wise max, earliest
//    attributes) and the checkpoints that cover them are written in the
//    same transaction, so a crash at any instant neither loses nor doubles
//    anything.
//  - Deleting a transcript never deletes events.
//  - reader(), ship_queue() and telemetry() work over the writer's own
//    connection, on the writer's thread (`sync --once` ships after it
//    syncs; `otel receive` alone commits telemetry here).
//  - A companion connection (ShipQueue::Open, TelemetryStore::Open) is a
//    second one, for another thread of the process that holds the writer
//    lock: it takes no lock and runs no migration (the ledger must be at
//    this program's schema); SQLite serialises its short transactions with
//    the writer's.
// Thread safety: one thread per LedgerWriter.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "ledger/checkpoint.h"
#include "ledger/event_store.h"
#include "ledger/ledger_reader.h"
#include "ledger/rate_limits.h"
#include "ledger/reject.h"
#include "ledger/ship_queue.h"
#include "ledger/sync_run.h"
#include "ledger/telemetry_store.h"
#include "price/price_table.h"

namespace cc {

class CommitHook;
class OutboxTap;
class WriterLock;

// Everything one transaction commits: events merged by key, the rejects
// found, and the checkpoints that cover exactly those lines.
struct Batch {
  std::vector<Event> events;
  std::vector<Reject> rejects;
  std::vector<Checkpoint> checkpoints;  // Counters here are increments.
};

struct RepriceStats {
  uint64_t events = 0;
  uint64_t events_changed = 0;
  int64_t cost_before_nano = 0;
  int64_t cost_after_nano = 0;
  uint64_t unpriced_events = 0;
  std::set<std::string> unpriced_models;
  std::string price_version;
};

class LedgerWriter {
 public:
  ~LedgerWriter();

  // `holder` names this process in the lock file. `prices` (null: the
  // built-in table; it must outlive the writer) prices what is committed.
  static Result<std::unique_ptr<LedgerWriter>> Open(
      const std::string& path, const std::string& holder,
      const PriceTable* prices = nullptr);

  // The queries, the outbox and the telemetry over this connection.
  LedgerReader& reader() { return *reader_; }
  ShipQueue& ship_queue() { return *ship_queue_; }
  TelemetryStore& telemetry() { return *telemetry_; }

  // Whether the ledger path and its lock file still name the files this
  // writer has open. A ledger deleted or replaced under a writer would
  // take its commits with it when the process exits: IoError naming the
  // path and what happened; the caller reopens.
  Status CheckStillAtPath() const;

  // The table that prices new and changed events (null: the built-in
  // one). It must outlive the writer.
  void SetPrices(const PriceTable* prices);
  // Hands every committed transaction's outbox rows to `tap` (null: none;
  // ledger/outbox_tap.h). It must outlive the writer or be unset first.
  // Only Commit and telemetry().CommitTelemetry feed it; Reprice leaves a
  // gap.
  void SetOutboxTap(OutboxTap* tap);
  // Runs `hook` (ledger/commit_hook.h; null: none) inside every Commit and
  // telemetry().CommitTelemetry transaction, before COMMIT. It must
  // outlive the writer or be unset first.
  void SetCommitHook(CommitHook* hook);
  // Recomputes every event's cost with the current table, in one
  // transaction, and rebuilds the rollup. Events whose cost changed take a
  // new change_seq, so they ship again.
  Result<RepriceStats> Reprice();
  // Prices a ledger whose events were never priced (Reprice); otherwise
  // does nothing. Open calls it.
  Status EnsurePriced();

  Result<CommitStats> Commit(const Batch& batch, const std::string& source,
                             int64_t now_ms);
  Status MarkGone(const std::vector<std::string>& paths);
  Result<int64_t> BeginRun(const std::string& mode, const std::string& source,
                           int64_t now_ms);
  // Updates a running run's counters and heartbeat; `last_sync_ms` (when
  // set) is when its latest pass finished.
  Status Heartbeat(int64_t run_id, const RunCounters& counters, int64_t now_ms,
                   std::optional<int64_t> last_sync_ms = std::nullopt);
  Status FinishRun(int64_t run_id, const RunCounters& counters,
                   const std::string& result, const std::string& error,
                   int64_t now_ms);

  // Stores each window of `reading` whose percentage or reset differs
  // from the last stored for its source and window (ledger/rate_limits.h);
  // true if anything was stored. A reading out of bounds
  // (CheckRateLimitReading) stores nothing: InvalidArgument.
  Result<bool> RecordRateLimits(const RateLimitReading& reading);

 private:
  LedgerWriter(std::unique_ptr<sql::Database> db,
               std::unique_ptr<WriterLock> lock);
  Status WriteCheckpoint(const Checkpoint& c, int64_t now_ms);

  struct Statements;
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<WriterLock> lock_;
  std::unique_ptr<EventStore> events_;
  std::unique_ptr<Statements> st_;  // Prepared once, reused per row.
  std::unique_ptr<LedgerReader> reader_;
  std::unique_ptr<ShipQueue> ship_queue_;
  std::unique_ptr<TelemetryStore> telemetry_;
  bool price_state_checked_ = false;
};

}  // namespace cc
