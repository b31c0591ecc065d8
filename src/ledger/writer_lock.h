// WriterLock: at most one process writes a ledger at a time.
//
// An flock(2) on "<ledger>.lock", which holds a line naming the holder
// (pid, command, start time). The kernel drops the lock when its process
// dies, so a lock left by a killed process is taken over without ceremony;
// a live holder makes Acquire fail with Status::Busy naming it. The file is
// created 0600 (ledger/ledger_files.h).
#pragma once

#include <memory>
#include <string>
#include <utility>

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

  // Whether "<ledger>.lock" still names the file this lock holds: if it was
  // deleted or replaced, another process can take a lock of its own there.
  // IoError naming the path and what happened.
  Status CheckStillAtPath() const;

 private:
  WriterLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;  // <ledger>.lock
};

}  // namespace cc
