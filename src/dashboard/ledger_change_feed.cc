#include "dashboard/ledger_change_feed.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace cc {

Result<LedgerChangeFeed> LedgerChangeFeed::Open(const std::string& ledger_path) {
  const std::filesystem::path p = std::filesystem::absolute(ledger_path);
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return Status::IoError(std::string("inotify: ") + std::strerror(errno));
  }
  const std::string dir = p.parent_path().string();
  if (inotify_add_watch(fd, dir.c_str(),
                        IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE |
                            IN_MOVED_TO) < 0) {
    const std::string why = std::strerror(errno);
    close(fd);
    return Status::IoError("inotify: cannot watch " + dir + ": " + why);
  }
  return LedgerChangeFeed(fd, p.filename().string());
}

LedgerChangeFeed::LedgerChangeFeed(LedgerChangeFeed&& other) noexcept
    : fd_(other.fd_), name_(std::move(other.name_)) {
  other.fd_ = -1;
}

LedgerChangeFeed::~LedgerChangeFeed() {
  if (fd_ >= 0) close(fd_);
}

// True if any queued event is about the ledger or its -wal/-shm files.
bool LedgerChangeFeed::DrainMatching() {
  bool matched = false;
  alignas(inotify_event) char buf[16 * 1024];
  for (;;) {
    const ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (char* at = buf; at < buf + n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(at);
      const std::string name = e->len > 0 ? std::string(e->name) : "";
      if (name.rfind(name_, 0) == 0 || (e->mask & IN_Q_OVERFLOW)) {
        matched = true;
      }
      at += sizeof(inotify_event) + e->len;
    }
  }
  return matched;
}

LedgerChangeFeed::Wake LedgerChangeFeed::Wait(int stop_fd, int timeout_ms) {
  pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  for (;;) {
    const int n = poll(fds, stop_fd >= 0 ? 2 : 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Wake::kTimeout;
    if (stop_fd >= 0 && (fds[1].revents & POLLIN)) return Wake::kStop;
    if (DrainMatching()) {
      // A commit is several writes (WAL frames, then the index): let them
      // land, then wake once.
      usleep(20'000);
      DrainMatching();
      return Wake::kWrite;
    }
  }
}

}  // namespace cc
