// Monitor: keeps the ledger current until asked to stop — the engine of
// `bridge sync --start-monitoring`, `--poll` and `--interval`.
//
//   catch up (a full incremental pass, as `sync --once`)
//   loop:
//     watch:    inotify hints name dirty transcripts; after a short debounce
//               only those are read (a targeted pass); a new directory or a
//               lost hint (queue overflow, a tree that vanished) triggers a
//               full pass; a reconcile full pass runs every 60 s regardless.
//     poll:     a full pass every poll interval (also the fallback for a
//               tree that cannot be watched: watch limit, no inotify).
//     interval: a full pass every interval.
//   stop (SIGINT/SIGTERM): the current pass commits what it read; exit.
//
// One sync_runs row covers the whole session: its heartbeat and
// last_sync_ms let `sync-status` in another process show the monitor's
// state. Every pass is a Syncer pass, so every guarantee of `sync --once`
// (one transaction per batch with its checkpoints, crash safety) holds.
// Not thread-safe; runs on the calling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "source/transcript_finder.h"
#include "sync/syncer.h"
#include "watch/watcher.h"

namespace cc {

class LedgerWriter;

enum class MonitorMode { kWatch, kPoll, kInterval };

struct MonitorOptions {
  std::vector<std::string> roots;
  std::string source;
  size_t jobs = 1;
  MonitorMode mode = MonitorMode::kWatch;
  std::chrono::milliseconds poll_interval{2000};   // kPoll, and fallbacks.
  std::chrono::milliseconds interval{60'000};      // kInterval.
  std::chrono::milliseconds reconcile{60'000};     // kWatch: full pass.
  std::chrono::milliseconds debounce{5};           // kWatch: after a hint.
  std::chrono::milliseconds heartbeat{5000};
};

// What the monitor did, for the CLI to print. Called on the monitor thread.
class MonitorObserver {
 public:
  virtual ~MonitorObserver() = default;
  // After every pass; `why` is catch-up, changes, rescan, reconcile, poll
  // or interval.
  virtual void OnPass(const char* why, const SyncReport& report) = 0;
  // Something a person should know once (fallback to polling, a tree gone).
  virtual void OnNotice(const std::string& message) = 0;
};

class Monitor {
 public:
  // `watcher` may be null (polling only). All must outlive the Monitor.
  Monitor(LedgerWriter& ledger, MonitorOptions options, const Clock& clock,
          Watcher* watcher, MonitorObserver* observer);

  // Runs until `stop` becomes true (`stop_fd` becomes readable at the same
  // time, to wake the wait). A ledger that cannot be written (IoError,
  // Busy: a full disk, EIO) does not end it: it says so through the
  // observer once, retries full passes (1 s, doubling to 30 s) and says so
  // again when writes work. Fails on damage (Corruption) and on the rest.
  Status Run(int stop_fd, const std::atomic<bool>& stop);

  const RunCounters& totals() const { return totals_; }

 private:
  Status Pass(const char* why, std::optional<std::vector<std::string>> paths);
  Status Reconcile(const char* why);
  void Remember(const SyncReport& report, bool full);
  void WatchRoots();
  void HandleEvents();
  void ForgetRootIfGone(const std::string& path);
  int64_t NsToNextWork() const;
  Status DoDueWork();
  Status Weather(Status status);
  Status MaybeHeartbeat(bool changed);
  bool Polling() const;
  std::chrono::milliseconds PeriodicInterval() const;

  LedgerWriter& ledger_;
  const MonitorOptions options_;
  const Clock& clock_;
  Watcher* watcher_;
  MonitorObserver* observer_;
  const std::atomic<bool>* stop_ = nullptr;

  int64_t run_id_ = 0;
  RunCounters totals_;
  std::optional<int64_t> last_sync_ms_;
  std::set<std::string> dirty_;          // Transcripts named by hints.
  // What the last scan saw, sorted by path: a periodic scan reads only what
  // differs from it.
  std::vector<TranscriptFile> seen_;
  ScanCache scan_cache_;  // Directory listings for periodic scans.
  int64_t dirty_since_ns_ = 0;
  bool rescan_ = false;                  // Hints were lost: full pass next.
  std::set<std::string> unwatched_;      // Roots not (yet) watched.
  bool watch_failed_ = false;            // Fell back to polling.
  int64_t next_full_ns_ = 0;        // Reconcile / poll / interval (steady).
  int64_t next_root_check_ns_ = 0;  // Retry watching unwatched roots.
  int64_t last_heartbeat_ns_ = 0;
  // A ledger that cannot be written now (a full disk, EIO): the monitor
  // keeps running and retries a full pass, the wait doubling to 30 s.
  std::optional<Status> write_failure_;
  int64_t failing_since_ns_ = 0;
  int64_t retry_at_ns_ = 0;
  std::chrono::milliseconds retry_wait_{1000};
};

}  // namespace cc
