// Syncer: one pass of "find transcripts, read what is new, commit it".
//
// The driver behind `bridge sync --once` and `bridge backfill`:
//   scan roots -> compare with checkpoints -> read changed files in
//   parallel (OrderedPipeline) -> commit pieces in file-path order, events
//   and their checkpoints in one transaction -> mark vanished files gone.
// sync (kOnce) reads only bytes after each checkpoint and skips files whose
// identity is unchanged without opening them. backfill reads every file
// from 0 (merging by key makes that idempotent); with --since/--until it
// writes no checkpoints (its counts are partial by design), and with
// dry_run it writes nothing at all.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/result.h"
#include "ledger/ledger_writer.h"
#include "source/transcript_finder.h"

namespace cc {

class LedgerReader;

enum class SyncMode { kOnce, kBackfill };

struct SyncOptions {
  std::vector<std::string> roots;
  std::string source;  // Machine label stored with each event.
  SyncMode mode = SyncMode::kOnce;
  size_t jobs = 1;
  // Backfill: count only events whose day (of their earliest line) is in
  // range; records are merged by key before the test.
  DayRange days;
  bool dry_run = false;
  // Dry run: the ledger a real run would write (null: none yet). Its
  // checkpoints and events make the counts those of a real run: files it
  // knows are not new, events it holds unchanged are neither new nor
  // updated. Read only, on the calling thread.
  LedgerReader* dry_run_ledger = nullptr;
  // For a long-running caller (the monitor): it owns the sync_runs row, so
  // this pass neither begins nor finishes one (0: the pass makes its own).
  int64_t run_id = 0;
  // For the monitor: visit only these transcript paths instead of walking
  // the roots; a listed path that no longer exists is marked gone.
  std::optional<std::vector<std::string>> only_paths;
  // Fill SyncReport::seen with every transcript the scan found (and could
  // read), for a caller that diffs later scans against it.
  bool collect_seen = false;
  // When set and true, files not yet started are skipped and the pass ends
  // after committing what it read (SIGINT/SIGTERM: finish the batch).
  const std::atomic<bool>* stop = nullptr;
  // Commit when a batch holds this many events or input bytes.
  size_t batch_events = 20'000;
  uint64_t batch_bytes = 64ull << 20;
};

struct SyncProgress {
  uint64_t files_total = 0;  // Files to read (not the unchanged ones).
  uint64_t files_done = 0;
  uint64_t bytes_total = 0;
  uint64_t bytes_done = 0;
  uint64_t events = 0;       // New + updated so far (found, in a dry run).
  int64_t elapsed_ns = 0;
};

class SyncObserver {
 public:
  virtual ~SyncObserver() = default;
  virtual void OnProgress(const SyncProgress& progress) = 0;
};

struct FileProblem {
  std::string path;
  std::string message;
};

struct SyncReport {
  RunCounters counters;
  uint64_t tokens_added = 0;   // Growth of the ledger's token total.
  std::set<std::string> unpriced_models;  // Committed without a price.
  bool interrupted = false;    // Stopped early (SyncOptions::stop).
  uint64_t records = 0;        // Usage records read (before merging).
  uint64_t unique_events = 0;  // Dry run: distinct keys found.
  // A dry run's counters.events_new and events_updated: distinct keys a
  // real run would add, and stored events it would change.
  std::vector<ScanProblem> scan_problems;
  std::vector<FileProblem> file_problems;  // Files that could not be read.
  std::vector<TranscriptFile> seen;  // With collect_seen: found and read.
  int64_t elapsed_ns = 0;
  int64_t run_id = 0;  // 0 in a dry run.
};

class Syncer {
 public:
  // `ledger` may be null only for a dry run. Both must outlive the Syncer.
  Syncer(LedgerWriter* ledger, const Clock& clock) : ledger_(ledger), clock_(clock) {}

  Result<SyncReport> Run(const SyncOptions& options, SyncObserver* observer);

 private:
  // Records how the run ended; returns the report, or the failure.
  Result<SyncReport> Finish(SyncReport& report, const Status& failure);

  LedgerWriter* ledger_;
  const Clock& clock_;
};

}  // namespace cc
