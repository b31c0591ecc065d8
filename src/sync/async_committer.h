// AsyncCommitter: commits batches to the ledger on its own thread, so that
// SQLite's work overlaps with reading and parsing the next files.
//
// Batches are committed one at a time, in the order submitted; at most
// `max_pending` wait, so memory stays bounded (Submit blocks when full).
// After the first failure later batches are dropped and Finish() returns
// that failure. The LedgerWriter must not be used by anyone else between
// construction and Finish().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/status.h"
#include "ledger/ledger_writer.h"

namespace cc {


class AsyncCommitter {
 public:
  AsyncCommitter(LedgerWriter& ledger, std::string source, const Clock& clock,
                 int64_t run_id, size_t max_pending = 2);
  ~AsyncCommitter();
  AsyncCommitter(const AsyncCommitter&) = delete;
  AsyncCommitter& operator=(const AsyncCommitter&) = delete;

  // Queues a batch; `progress` is the run's counters so far, written as the
  // run's heartbeat (at most once a second, unless run_id is 0) after a
  // commit.
  void Submit(Batch&& batch, const RunCounters& progress);

  // Waits until every submitted batch is committed (or dropped).
  Status Finish();

  // Events inserted and updated so far (safe to call at any time).
  CommitStats stats() const;

 private:
  struct Job {
    Batch batch;
    RunCounters progress;
  };
  void Loop();
  void CommitOne(Job& job);

  LedgerWriter& ledger_;
  const std::string source_;
  const Clock& clock_;
  const int64_t run_id_;
  const size_t max_pending_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> pending_;
  bool closing_ = false;   // Finish() was called: exit when drained.
  Status failure_;
  CommitStats stats_;
  int64_t last_heartbeat_ns_ = 0;
  std::thread thread_;     // Last: starts after everything above exists.
};

}  // namespace cc
