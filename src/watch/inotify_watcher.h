// InotifyWatcher: Watcher on Linux inotify. New directories are watched as
// soon as their creation is seen (and reported, so the monitor scans what
// was written into them before the watch existed). IN_Q_OVERFLOW, and a
// watched directory that goes away while it is the top of a tree, become
// kRescan. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "watch/watcher.h"

namespace cc {

class InotifyWatcher final : public Watcher {
 public:
  static Result<std::unique_ptr<InotifyWatcher>> Create();
  ~InotifyWatcher() override;

  Status WatchTree(const std::string& dir) override;
  int fd() const override { return fd_; }
  void Drain(std::vector<WatchEvent>* out) override;

  size_t watches() const { return paths_.size(); }

 private:
  explicit InotifyWatcher(int fd) : fd_(fd) {}
  Status WatchOne(const std::string& dir, int depth);
  void ForgetTree(const std::string& dir);
  void Handle(int wd, uint32_t mask, const std::string& name,
              std::vector<WatchEvent>* out);

  int fd_;
  std::unordered_map<int, std::string> paths_;  // Watch descriptor -> dir.
  std::vector<std::string> tops_;               // Directories given to WatchTree.
};

}  // namespace cc
