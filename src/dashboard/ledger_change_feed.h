// LedgerChangeFeed: wakes the dashboard when the ledger may have changed.
// inotify on the ledger's directory reports writes to the ledger file and
// its WAL (whoever the writer is: `run` in this process, a monitor or a
// sync in another); SQLite's data_version then says whether a commit
// really happened. Idle, it costs nothing: a blocked poll(2).
#pragma once

#include <string>

#include "core/result.h"

namespace cc {

class LedgerChangeFeed {
 public:
  // Watches the directory of `ledger_path`.
  static Result<LedgerChangeFeed> Open(const std::string& ledger_path);
  LedgerChangeFeed(LedgerChangeFeed&& other) noexcept;
  LedgerChangeFeed& operator=(LedgerChangeFeed&&) = delete;
  ~LedgerChangeFeed();

  enum class Wake { kWrite, kTimeout, kStop };
  // Blocks until the ledger (or its WAL) is written, `stop_fd` is
  // readable, or `timeout_ms` passes. Several writes in a row are one wake.
  Wake Wait(int stop_fd, int timeout_ms);

 private:
  LedgerChangeFeed(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  bool DrainMatching();
  int fd_;
  std::string name_;  // The ledger's file name ("ledger.db").
};

}  // namespace cc
