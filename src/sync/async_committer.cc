#include "sync/async_committer.h"

#include <utility>

#include "ledger/ledger_writer.h"

namespace cc {

AsyncCommitter::AsyncCommitter(LedgerWriter& ledger, std::string source,
                               const Clock& clock, int64_t run_id,
                               size_t max_pending)
    : ledger_(ledger),
      source_(std::move(source)),
      clock_(clock),
      run_id_(run_id),
      max_pending_(max_pending < 1 ? 1 : max_pending),
      last_heartbeat_ns_(clock.SteadyNs()),
      thread_([this] { Loop(); }) {}

AsyncCommitter::~AsyncCommitter() { (void)Finish(); }

void AsyncCommitter::Submit(Batch&& batch, const RunCounters& progress) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return pending_.size() < max_pending_; });
  pending_.push_back(Job{std::move(batch), progress});
  cv_.notify_all();
}

Status AsyncCommitter::Finish() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    closing_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

CommitStats AsyncCommitter::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void AsyncCommitter::Loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !pending_.empty() || closing_; });
      if (pending_.empty()) return;
      job = std::move(pending_.front());
      pending_.pop_front();
      cv_.notify_all();  // Room for a Submit.
      if (!failure_.ok()) continue;  // Drop: an earlier batch failed.
    }
    CommitOne(job);
  }
}

void AsyncCommitter::CommitOne(Job& job) {
  Result<CommitStats> s = ledger_.Commit(job.batch, source_, clock_.NowMs());
  RunCounters counters = job.progress;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!s.ok()) {
      failure_ = s.status();
      return;
    }
    stats_.events_new += s->events_new;
    stats_.events_updated += s->events_updated;
    stats_.tokens_added += s->tokens_added;
    stats_.unpriced_models.insert(s->unpriced_models.begin(),
                                  s->unpriced_models.end());
    counters.events_new = stats_.events_new;
    counters.events_updated = stats_.events_updated;
  }
  // Only this thread touches last_heartbeat_ns_ and the ledger.
  if (run_id_ != 0 && clock_.SteadyNs() - last_heartbeat_ns_ > 1'000'000'000) {
    last_heartbeat_ns_ = clock_.SteadyNs();
    // A missed heartbeat only makes sync-status staler; the run goes on.
    (void)ledger_.Heartbeat(run_id_, counters, clock_.NowMs());
  }
}

}  // namespace cc
