// StopSignal: SIGINT and SIGTERM turn into a readable descriptor and a flag,
// so loops can wait on them with poll(2) and finish their batch cleanly.
// One per process; the handlers stay installed until destruction.
#pragma once

#include <atomic>

namespace cc {

class StopSignal {
 public:
  StopSignal();   // Installs the handlers.
  ~StopSignal();  // Restores the previous ones.
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  int fd() const;  // Readable once a stop was requested.
  bool requested() const;
  const std::atomic<bool>& flag() const;
  void Request();  // What the handlers do; also for tests.
  // Forgets a request (the flag and the descriptor's bytes): for a loop
  // that stopped one round on purpose and goes on (Service). A signal
  // that arrives meanwhile is forgotten too.
  void Rearm();
};

}  // namespace cc
