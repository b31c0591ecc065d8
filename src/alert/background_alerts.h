// BackgroundAlerts: the AlertDispatcher on a thread of its own, beside a
// long-running writer (the monitor, `run`, `bridge sync --interval`, the
// OpenTelemetry receiver), with its own ledger connection
// (AlertQueue::Open), so a slow webhook never holds up ingestion.
//
// It delivers a round when started, when woken (Wake: after a commit,
// which may have fired alerts), when the soonest retry comes due, and at
// least once a minute. Rounds are bounded (30 s) so a backlog never keeps
// Stop waiting; Stop waits for the attempt in flight (at most the
// channels' bounds: 10 s).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "budget/alert.h"

namespace cc {

class BackgroundAlerts {
 public:
  // Called on the thread, one line a person should read: each alert's log
  // line, delivery failing / given up / recovered.
  using Notice = std::function<void(const std::string&)>;

  // Delivers the alerts of the ledger at `ledger_path` through `channels`
  // and the log at `log_path` ("" : no file).
  BackgroundAlerts(std::string ledger_path, AlertChannels channels,
                   std::string log_path, Notice notice);
  ~BackgroundAlerts() { Stop(); }
  BackgroundAlerts(const BackgroundAlerts&) = delete;
  BackgroundAlerts& operator=(const BackgroundAlerts&) = delete;

  void Start();  // Starts the thread (once).
  void Wake();   // A commit happened. Thread-safe; cheap.
  void Stop();   // Wakes the thread and joins it.

  static constexpr int64_t kRoundBudgetMs = 30'000;
  static constexpr int64_t kLookEveryMs = 60'000;

 private:
  void Run();
  // Waits until woken, stopping, or `ms` passed; false when stopping.
  bool Wait(int64_t ms);

  const std::string ledger_path_;
  const AlertChannels channels_;
  const std::string log_path_;
  const Notice notice_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
};

}  // namespace cc
