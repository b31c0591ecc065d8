// WriterLock: at most one process writes a ledger at a time.
//
// An flock(2) on "<ledger>.lock", which holds a line naming the holder
// (pid, command, start time). The kernel drops the lock when its process
// dies, so a lock left by a killed process is taken over without ceremony;
// a live holder makes Acquire fail with Status::Busy naming it.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace cc {

class WriterLock {
 public:
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

  // `holder` describes this process to whoever finds the lock taken.
  static Result<std::unique_ptr<WriterLock>> Acquire(
      const std::string& ledger_path, const std::string& holder);

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace cc
