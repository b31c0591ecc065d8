// Watcher: file-system change notifications as hints that a path is dirty.
//
// Events are hints, never the truth: the monitor re-reads what a hint names
// against the ledger's checkpoints, and a periodic reconcile scan catches
// anything a hint missed. kRescan means hints were lost (queue overflow, a
// watched tree vanished or could not be watched): only a full scan is safe.
// This interface is the seam for tests (a fake can emit any sequence).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace cc {

struct WatchEvent {
  enum class Kind {
    kFileChanged,       // A *.jsonl was written, created, moved in or deleted.
    kDirectoryCreated,  // A directory appeared (already being watched).
    kRescan,            // Hints were lost; scan everything.
  };
  Kind kind;
  std::string path;
  std::string detail;  // Why, for kRescan (printed with -v).
};

class Watcher {
 public:
  virtual ~Watcher() = default;

  // Watches `dir` and every directory below it, now and as they appear.
  // Fails (e.g. the watch limit) without undoing watches already added.
  virtual Status WatchTree(const std::string& dir) = 0;

  // A descriptor that becomes readable when events wait; -1 if none.
  virtual int fd() const = 0;

  // Appends the waiting events (never blocks).
  virtual void Drain(std::vector<WatchEvent>* out) = 0;
};

}  // namespace cc
