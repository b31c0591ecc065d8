// Ledger: the durable, exactly-once store of events, checkpoints, rejects
// and sync runs, in one SQLite file (docs/storage.md).
//
// Contract:
//  - Commit() writes a Batch in one BEGIN IMMEDIATE transaction: events are
//    merged into what is stored (field-wise max, earliest attributes) and the
//    checkpoints that cover them are written in the same transaction, so a
//    crash at any instant neither loses nor doubles anything.
//  - OpenForWrite() takes the WriterLock first: one writer per ledger.
//    OpenForRead() takes no lock; WAL lets it read while a writer writes.
//  - Deleting a transcript never deletes events.
// Thread safety: one thread per Ledger object.
#pragma once

#include <map>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ledger/ledger_types.h"
#include "price/price_table.h"

namespace cc {

namespace sql {
class Database;
}
class OutboxTap;
class WriterLock;

class Ledger {
 public:
  ~Ledger();

  // Creates the file (0600) and its directory (0700) if needed and
  // migrates it (ledger/ledger_files.h).
  // `prices` (default: the built-in table; it must outlive the ledger)
  // prices what is committed; a ledger whose events were never priced
  // (made before costs existed) is priced here, before anything else.
  static Result<std::unique_ptr<Ledger>> OpenForWrite(
      const std::string& path, const std::string& holder,
      const PriceTable* prices = nullptr);
  // Fails with IoError if the ledger does not exist. A ledger from an older
  // program, or never priced, is first brought up to date by a writer
  // (which needs the lock for a moment) using `prices`. A ledger that
  // cannot be written (a read-only file, directory or mount) is read
  // read-only (sql::Database::Open; access_note() says why).
  static Result<std::unique_ptr<Ledger>> OpenForRead(
      const std::string& path, const PriceTable* prices = nullptr);

  // A second connection for the shipping thread of the process that holds
  // the writer lock (OpenForWrite): it takes no lock and runs no migration,
  // and uses only the Shipping and outbox calls below. SQLite serialises
  // its short transactions with the committer's.
  static Result<std::unique_ptr<Ledger>> OpenForShipping(
      const std::string& path);
  // The same, able to commit too: the OpenTelemetry receiver's connection
  // beside the monitor's in `run` (CommitTelemetry).
  static Result<std::unique_ptr<Ledger>> OpenCompanion(
      const std::string& path, const PriceTable* prices = nullptr);

  // Rebuilds a damaged ledger (`bridge repair`), holding the writer lock:
  // every table is copied row by row into a new file (so every index is
  // built anew), events found more than once under one key (a damaged
  // index let a later commit store a key again) are merged into one, with
  // a new change_seq, as Event::Merge merges records, the rollup is
  // rebuilt from the events, and the result replaces the ledger's content
  // in one transaction (the file keeps its inode). A table that cannot be
  // read through is named in `unsaved`; if the events cannot be read, the
  // ledger is left as it was and the error says so.
  static Result<RepairReport> Repair(const std::string& path,
                                     const std::string& holder,
                                     const PriceTable* prices = nullptr);

  // Why this connection reads read-only ("" when it does not; see
  // sql::Database::Open).
  const std::string& access_note() const;
  // SQLite's integrity_check (`quick`: quick_check) of the file: at most
  // `max_problems` lines naming the damage; empty when it is sound.
  Result<std::vector<std::string>> CheckIntegrity(bool quick,
                                                  int max_problems);
  // Whether the ledger path (and, for a writer, its lock file) still names
  // the file this Ledger has open. A ledger deleted or replaced under a
  // writer would take its commits with it when the process exits: IoError
  // naming the path and what happened; the caller reopens.
  Status CheckStillAtPath() const;

  // --- Writing (OpenForWrite only) ---
  // The table that prices new and changed events (default: the built-in
  // one). It must outlive the ledger. A ledger whose events were never
  // priced (one made before costs existed) is priced on the first commit.
  void SetPrices(const PriceTable* prices) { prices_ = prices; }
  // Hands every committed transaction's outbox rows to `tap` (null: none;
  // ledger/outbox_tap.h). It must outlive the ledger or be unset first.
  // Only Commit and CommitTelemetry feed it; Reprice leaves a gap.
  void SetOutboxTap(OutboxTap* tap);
  // Recomputes every event's cost with the current table, in one
  // transaction, and rebuilds the rollup. Events whose cost changed take a
  // new change_seq, so they ship again.
  Result<RepriceStats> Reprice();
  // Prices a ledger whose events were never priced (Reprice); otherwise
  // does nothing. OpenForWrite calls it.
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

  // --- Reading ---
  // Fills *out with every file's checkpoint, by path.
  Status LoadCheckpoints(CheckpointMap* out);
  // The same for just these paths (those the ledger has).
  Status LoadCheckpoints(const std::vector<std::string>& paths,
                         CheckpointMap* out);
  // Rollup rows (ledger/rollup.h) for events in [since_ms, until_ms),
  // optionally of one project or source. Reports aggregate these.
  Result<UsageData> Usage(const UsageFilter& filter);
  // Price table versions the stored costs come from (more than one, or
  // one other than the current table's: `bridge reprice` would change them).
  Result<std::vector<std::string>> PriceVersions();
  // Inclusive day bounds (days since the epoch, UTC); nullopt = unbounded.
  Result<std::vector<DailyRow>> DailyTotals(std::optional<int64_t> since_day,
                                            std::optional<int64_t> until_day);
  Result<LedgerSummary> Summary();
  // Changes whenever another connection (process or thread) commits to
  // the ledger (SQLite's PRAGMA data_version).
  Result<int64_t> DataVersion();
  // A digest of what the dashboard shows that moves with every write but
  // a monitor's idle heartbeat (sync_runs.heartbeat_ms alone): events
  // through the change sequence, and each other table's counts and marks.
  // Reads no event; a few milliseconds on a large ledger. Compare two
  // stamps for equality only. kStampedTables lists what it covers.
  Result<std::string> ContentStamp();
  static const char* const kStampedTables[];
  // Summary without the event totals (which read every event): files,
  // rejects and the last run.
  Result<LedgerSummary> SyncHealth();
  // The latest sync_runs row (nullopt before the first run).
  Result<std::optional<RunInfo>> LastRun();
  // A session's events in time order, at most `limit` (the dashboard's
  // drill-down).
  Result<std::vector<SessionEvent>> SessionEvents(const std::string& session_id,
                                                  size_t limit);
  Result<std::vector<EventBrief>> AllEvents();
  // Up to `limit` outbox rows with after_seq < change_seq <= up_to_seq, in
  // change_seq order: what freezing and splitting need to cut batches.
  Result<std::vector<OutboxMark>> OutboxMarks(int64_t after_seq,
                                              int64_t up_to_seq, size_t limit);
  // The same range's size and ends without its times, from the index alone
  // (freezing when nothing needs to wait for age).
  Result<OutboxSpan> OutboxSpanAfter(int64_t after_seq, size_t limit);
  // Calls `fn` for each event with first_seq <= change_seq <= last_seq, in
  // change_seq order. The object passed is reused between calls; it holds
  // what ClickHouse gets (not the transcript path and offset).
  Status ForEachOutboxEvent(int64_t first_seq, int64_t last_seq,
                            const std::function<void(const OutboxEvent&)>& fn);
  Result<std::vector<Reject>> RecentRejects(size_t limit);

  // --- Telemetry (ledger/telemetry_store.cc) ---
  // Stores Claude Code's telemetry and reconciles it with the transcripts'
  // events, in one transaction. A request with the id of a transcript's
  // event merges into it (each token field the larger of the two) and
  // marks it exact; without one it becomes an event of its own
  // ("otel:<request id>"), which a transcript record arriving later joins.
  // A request id stored before merges the same way: an exporter's retry
  // changes nothing, a larger count wins (its otel_requests row stays as
  // first received).
  Result<TelemetryStats> CommitTelemetry(const TelemetryBatch& batch,
                                         const std::string& source,
                                         int64_t now_ms);
  // Exactness, latency per model, errors by status, Claude Code's cost
  // beside ours.
  Result<TelemetryOverview> TelemetryOverviewOf();
  // Stored requests (errors: `errors`) with rowid > after, at most `limit`,
  // in rowid order; and the mark of what ClickHouse confirmed of each.
  Result<std::vector<TelemetryRow>> TelemetryAfter(bool errors, int64_t after,
                                                   size_t limit);
  Result<int64_t> TelemetryShippedMark(bool errors);
  Status SetTelemetryShippedMark(bool errors, int64_t rowid);
  // Every metric series' total (see TelemetryMetricTotal).
  Result<std::vector<TelemetryMetricTotal>> TelemetryMetricTotals();
  // Events telemetry confirmed, and all events, that `filter` selects.
  Result<std::pair<uint64_t, uint64_t>> ExactEvents(const UsageFilter& filter);

  // --- Shipping (ledger/ship_queue.cc; the outbox's frozen batches) ---
  Result<ShipState> ShippingState();
  Result<ShipMarks> ShippingMarks();
  // Where shipping last went ("" if it never ran); cheap, unlike
  // ShippingState, which counts the events waiting.
  Result<std::string> ShipTarget();
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

 private:
  Ledger(std::unique_ptr<sql::Database> db, std::unique_ptr<WriterLock> lock);
  Status WriteCheckpoint(const Checkpoint& c, int64_t now_ms);
  Cost CostOf(const Event& e) const;
  Status NotePriceVersion();
  // How a merge treats the stored attributes: the earliest record's win
  // (transcripts); the incoming record's win (a transcript joining an
  // event telemetry made); the stored ones stay (telemetry, which knows
  // no project or directory).
  enum class AttributePolicy { kEarliest, kAdopt, kKeep };
  Result<bool> MergeEvent(const Event& e, const std::string& source,
                          int64_t now_ms, CommitStats* stats,
                          AttributePolicy policy = AttributePolicy::kEarliest);
  Result<std::optional<std::string>> EventKeyOfRequest(
      const std::string& request_id);
  Status MarkExact(const std::string& key);
  // The frame of every writing transaction: change numbers, the rollup.
  Status BeginChanges();
  Status EndChanges();
  // With a tap: the row state written at `seq`, and (EndTap) whether the
  // transaction committed.
  void Stage(const Event& e, const std::string& source, int64_t seq,
             const Cost& cost, int64_t first_seen_ms, int64_t now_ms);
  void EndTap(const Status& committed);

  struct Statements;
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<WriterLock> lock_;
  std::unique_ptr<Statements> st_;  // Prepared once, reused per row.
  const PriceTable* prices_ = &PriceTable::Embedded();
  bool price_state_checked_ = false;
  OutboxTap* tap_ = nullptr;
};

}  // namespace cc
