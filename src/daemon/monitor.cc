#include "daemon/monitor.h"

#include <malloc.h>
#include <poll.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "ledger/ledger_writer.h"
#include "source/transcript_finder.h"

namespace cc {
namespace {

int64_t Ns(std::chrono::milliseconds ms) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(ms).count();
}

void Add(RunCounters& total, const RunCounters& pass) {
  total.files_scanned += pass.files_scanned;
  total.files_new += pass.files_new;
  total.files_changed += pass.files_changed;
  total.files_reread += pass.files_reread;
  total.files_gone += pass.files_gone;
  total.bytes_read += pass.bytes_read;
  total.lines += pass.lines;
  total.events_new += pass.events_new;
  total.events_updated += pass.events_updated;
  total.rejects += pass.rejects;
}

const char* ModeName(MonitorMode mode) {
  switch (mode) {
    case MonitorMode::kWatch: return "monitor";
    case MonitorMode::kPoll: return "poll";
    case MonitorMode::kInterval: return "interval";
  }
  return "monitor";
}

}  // namespace

Monitor::Monitor(LedgerWriter& ledger, MonitorOptions options, const Clock& clock,
                 Watcher* watcher, MonitorObserver* observer)
    : ledger_(ledger),
      options_(std::move(options)),
      clock_(clock),
      watcher_(options_.mode == MonitorMode::kWatch ? watcher : nullptr),
      observer_(observer),
      scan_cache_(clock) {}

bool Monitor::Polling() const {
  return options_.mode == MonitorMode::kPoll ||
         (options_.mode == MonitorMode::kWatch && watch_failed_);
}

Status Monitor::Run(int stop_fd, const std::atomic<bool>& stop) {
  stop_ = &stop;
  Result<int64_t> run =
      ledger_.BeginRun(ModeName(options_.mode), options_.source, clock_.NowMs());
  if (!run.ok()) return run.status();
  run_id_ = *run;
  last_heartbeat_ns_ = clock_.SteadyNs() - Ns(options_.heartbeat);

  // Watch first, then catch up: a line written in between is seen by both
  // (harmless) rather than by neither.
  if (watcher_ != nullptr) WatchRoots();
  Status status = Weather(Pass("catch-up", std::nullopt));
  while (status.ok() && !stop.load()) {
    struct pollfd fds[2] = {{stop_fd, POLLIN, 0},
                            {watcher_ ? watcher_->fd() : -1, POLLIN, 0}};
    int64_t wait_ns = NsToNextWork();
    int timeout_ms = static_cast<int>(std::min<int64_t>(
        (wait_ns + 999'999) / 1'000'000, 60'000));
    int ready = poll(fds, 2, std::max(timeout_ms, 0));
    if (stop.load()) break;
    if (ready > 0 && (fds[1].revents & POLLIN)) HandleEvents();
    status = Weather(DoDueWork());
  }
  std::string error = status.ok() ? "" : status.message();
  Status finished = ledger_.FinishRun(run_id_, totals_,
                                      status.ok() ? "ok" : "failed", error,
                                      clock_.NowMs());
  return status.ok() ? finished : status;
}

void Monitor::WatchRoots() {
  for (const std::string& root : options_.roots) {
    std::string projects = root + "/projects";
    std::error_code ec;
    if (!std::filesystem::is_directory(projects, ec)) {
      unwatched_.insert(root);
      continue;
    }
    if (Status s = watcher_->WatchTree(projects); !s.ok()) {
      if (!watch_failed_ && observer_) {
        observer_->OnNotice(s.message() + "; polling every " +
                            std::to_string(options_.poll_interval.count()) +
                            " ms instead");
      }
      watch_failed_ = true;
    }
    unwatched_.erase(root);
  }
}

void Monitor::HandleEvents() {
  std::vector<WatchEvent> events;
  watcher_->Drain(&events);
  for (const WatchEvent& e : events) {
    switch (e.kind) {
      case WatchEvent::Kind::kFileChanged:
        if (dirty_.empty()) dirty_since_ns_ = clock_.SteadyNs();
        dirty_.insert(e.path);
        break;
      case WatchEvent::Kind::kDirectoryCreated:  // May hold files already.
      case WatchEvent::Kind::kRescan:
        rescan_ = true;
        ForgetRootIfGone(e.path);
        if (e.kind == WatchEvent::Kind::kRescan && observer_ &&
            !e.detail.empty()) {
          observer_->OnNotice(e.detail + ": rescanning");
        }
        break;
    }
  }
}

// A root whose projects/ went away (unmounted, deleted) is watched again,
// and scanned in full, when it is back.
void Monitor::ForgetRootIfGone(const std::string& path) {
  for (const std::string& root : options_.roots) {
    if (path == root + "/projects" || path == root) {
      unwatched_.insert(root);
      next_root_check_ns_ = clock_.SteadyNs() + Ns(options_.poll_interval);
    }
  }
}

int64_t Monitor::NsToNextWork() const {
  const int64_t now = clock_.SteadyNs();
  int64_t next = last_heartbeat_ns_ + Ns(options_.heartbeat);
  next = std::min(next, next_full_ns_);
  if (rescan_) next = now;
  if (!dirty_.empty()) {
    next = std::min(next, dirty_since_ns_ + Ns(options_.debounce));
  }
  if (!unwatched_.empty()) next = std::min(next, next_root_check_ns_);
  if (write_failure_) next = retry_at_ns_;
  return std::max<int64_t>(0, next - now);
}

Status Monitor::DoDueWork() {
  const int64_t now = clock_.SteadyNs();
  if (write_failure_) {
    // Whatever failed is read again from the last commit: a full pass.
    if (now < retry_at_ns_) return Status::Ok();
    return Pass("retry", std::nullopt);
  }
  if (watcher_ != nullptr && !unwatched_.empty() && now >= next_root_check_ns_) {
    size_t before = unwatched_.size();
    WatchRoots();
    if (unwatched_.size() < before) rescan_ = true;  // A tree came back.
    next_root_check_ns_ = now + Ns(options_.poll_interval);
  }
  if (rescan_) return Pass("rescan", std::nullopt);
  if (now >= next_full_ns_) {
    const char* why = options_.mode == MonitorMode::kInterval ? "interval"
                      : Polling()                             ? "poll"
                                                              : "reconcile";
    return Reconcile(why);
  }
  if (!dirty_.empty() && now >= dirty_since_ns_ + Ns(options_.debounce)) {
    std::vector<std::string> paths(dirty_.begin(), dirty_.end());
    return Pass("changes", std::move(paths));
  }
  return MaybeHeartbeat(false);
}

// A failure to write the ledger (a full disk, an I/O error, a lock held
// too long) is weather, not death: it is said once, retried with a
// doubling wait (at most 30 s), and said again once it clears. Nothing is
// lost or doubled: checkpoints commit with their events, so the retry
// reads exactly what the failed commit did not store. Damage (corruption)
// and bad input still end the run.
Status Monitor::Weather(Status status) {
  const int64_t now = clock_.SteadyNs();
  if (status.ok()) {
    if (write_failure_ && observer_) {
      observer_->OnNotice("the ledger is written again after " +
                          std::to_string((now - failing_since_ns_) / 1'000'000'000) +
                          " s of failures; caught up");
    }
    write_failure_.reset();
    retry_wait_ = std::chrono::milliseconds(1000);
    return status;
  }
  const bool weather = status.code() == Status::Code::kIoError ||
                       status.code() == Status::Code::kBusy;
  if (!weather) return status;
  if (!write_failure_) {
    failing_since_ns_ = now;
    if (observer_) {
      observer_->OnNotice("cannot write the ledger: " + status.message() +
                          "; still running, retrying every 30 s at most until it "
                          "can (nothing is lost: what was not stored is read again)");
    }
  }
  write_failure_ = status;
  retry_at_ns_ = now + Ns(retry_wait_);
  retry_wait_ = std::min(retry_wait_ * 2, std::chrono::milliseconds(30'000));
  return Status::Ok();
}

// A periodic full scan, made cheap: the tree is listed and statted, and
// only files whose identity differs from what the last scan saw (or that
// vanished) get a pass — no checkpoints are loaded for the rest. Safe
// because a file that changed since that scan has a different identity,
// and files that failed to read were never remembered as seen.
Status Monitor::Reconcile(const char* why) {
  ScanResult scan = FindTranscripts(options_.roots, &scan_cache_);
  std::set<std::string> scanned_roots(scan.scanned_roots.begin(),
                                      scan.scanned_roots.end());
  // Both lists are sorted by path: walk them together.
  std::vector<std::string> differ;
  auto old = seen_.begin();
  for (const TranscriptFile& f : scan.files) {
    for (; old != seen_.end() && old->path < f.path; ++old) {
      if (scanned_roots.count(old->root)) differ.push_back(old->path);  // Gone.
    }
    bool same = old != seen_.end() && old->path == f.path &&
                old->identity == f.identity;
    if (!same) differ.push_back(f.path);
    if (old != seen_.end() && old->path == f.path) ++old;
  }
  for (; old != seen_.end(); ++old) {
    if (scanned_roots.count(old->root)) differ.push_back(old->path);
  }
  seen_ = std::move(scan.files);
  next_full_ns_ = clock_.SteadyNs() + Ns(PeriodicInterval());
  if (differ.empty()) {
    SyncReport nothing;
    nothing.counters.files_scanned = seen_.size();
    if (observer_) observer_->OnPass(why, nothing);
    last_sync_ms_ = clock_.NowMs();
    return MaybeHeartbeat(false);
  }
  return Pass(why, std::move(differ));
}

std::chrono::milliseconds Monitor::PeriodicInterval() const {
  return options_.mode == MonitorMode::kInterval ? options_.interval
         : Polling()                             ? options_.poll_interval
                                                 : options_.reconcile;
}

// Remembers what a pass saw; a file that failed is forgotten, so the next
// periodic scan tries it again.
void Monitor::Remember(const SyncReport& report, bool full) {
  if (full) seen_ = report.seen;  // Sorted, failures already left out.
  if (report.file_problems.empty()) return;
  std::set<std::string> failed;
  for (const FileProblem& p : report.file_problems) failed.insert(p.path);
  std::erase_if(seen_, [&failed](const TranscriptFile& f) {
    return failed.count(f.path) > 0;
  });
}

Status Monitor::Pass(const char* why,
                     std::optional<std::vector<std::string>> paths) {
  const bool full = !paths.has_value();
  // Hints arriving during the pass stay for the next one.
  dirty_.clear();
  if (full) rescan_ = false;
  SyncOptions options;
  options.roots = options_.roots;
  options.source = options_.source;
  options.jobs = options_.jobs;
  options.run_id = run_id_;
  options.only_paths = std::move(paths);
  options.stop = stop_;
  options.collect_seen = full;
  Syncer syncer(&ledger_, clock_);
  Result<SyncReport> report = syncer.Run(options, nullptr);
  if (!report.ok()) return report.status();
  if (full) {
    next_full_ns_ = clock_.SteadyNs() + Ns(PeriodicInterval());
    // A big pass (the catch-up) leaves freed buffers in malloc's arenas;
    // a long-running process gives them back instead of sitting on them.
    malloc_trim(0);
  }
  Remember(*report, full);
  Add(totals_, report->counters);
  last_sync_ms_ = clock_.NowMs();
  if (observer_) observer_->OnPass(why, *report);
  const RunCounters& c = report->counters;
  bool changed = c.events_new + c.events_updated + c.rejects + c.files_gone > 0;
  return MaybeHeartbeat(changed);
}

Status Monitor::MaybeHeartbeat(bool changed) {
  const int64_t now = clock_.SteadyNs();
  const int64_t since = now - last_heartbeat_ns_;
  // Changes show in sync-status promptly, without a write per pass.
  if (since < Ns(options_.heartbeat) && !(changed && since >= 200'000'000)) {
    return Status::Ok();
  }
  last_heartbeat_ns_ = now;
  return ledger_.Heartbeat(run_id_, totals_, clock_.NowMs(), last_sync_ms_);
}

}  // namespace cc
