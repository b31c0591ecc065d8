#include "watch/inotify_watcher.h"

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cc {
namespace {

constexpr uint32_t kMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE |
                           IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                           IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB |
                           IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;
constexpr int kMaxDepth = 16;

bool IsJsonl(const std::string& name) {
  return name.size() > 6 && name.compare(name.size() - 6, 6, ".jsonl") == 0;
}

}  // namespace

Result<std::unique_ptr<InotifyWatcher>> InotifyWatcher::Create() {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return Status::IoError(std::string("inotify_init1: ") + strerror(errno));
  }
  return std::unique_ptr<InotifyWatcher>(new InotifyWatcher(fd));
}

InotifyWatcher::~InotifyWatcher() { close(fd_); }

Status InotifyWatcher::WatchTree(const std::string& dir) {
  if (std::find(tops_.begin(), tops_.end(), dir) == tops_.end()) {
    tops_.push_back(dir);
  }
  return WatchOne(dir, 0);
}

Status InotifyWatcher::WatchOne(const std::string& dir, int depth) {
  int wd = inotify_add_watch(fd_, dir.c_str(), kMask);
  if (wd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::Ok();  // Raced.
    return Status::IoError("cannot watch " + dir + ": " + strerror(errno) +
                           (errno == ENOSPC
                                ? " (raise fs.inotify.max_user_watches)"
                                : ""));
  }
  paths_[wd] = dir;
  if (depth >= kMaxDepth) return Status::Ok();
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return Status::Ok();  // Unreadable: scans report it.
  std::vector<std::string> subdirs;
  while (const dirent* entry = readdir(handle)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (entry->d_type == DT_DIR || entry->d_type == DT_UNKNOWN) {
      struct stat st;
      std::string path = dir + "/" + name;
      if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        subdirs.push_back(path);
      }
    }
  }
  closedir(handle);
  for (const std::string& sub : subdirs) {
    if (Status s = WatchOne(sub, depth + 1); !s.ok()) return s;
  }
  return Status::Ok();
}

void InotifyWatcher::ForgetTree(const std::string& dir) {
  const std::string prefix = dir + "/";
  for (auto it = paths_.begin(); it != paths_.end();) {
    if (it->second == dir || it->second.rfind(prefix, 0) == 0) {
      inotify_rm_watch(fd_, it->first);
      it = paths_.erase(it);
    } else {
      ++it;
    }
  }
}

void InotifyWatcher::Drain(std::vector<WatchEvent>* out) {
  alignas(struct inotify_event) char buf[64 * 1024];
  for (;;) {
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: drained.
    for (ssize_t i = 0; i < n;) {
      const auto* e = reinterpret_cast<const struct inotify_event*>(buf + i);
      Handle(e->wd, e->mask, e->len > 0 ? std::string(e->name) : "", out);
      i += static_cast<ssize_t>(sizeof(struct inotify_event) + e->len);
    }
  }
}

void InotifyWatcher::Handle(int wd, uint32_t mask, const std::string& name,
                            std::vector<WatchEvent>* out) {
  if (mask & IN_Q_OVERFLOW) {
    out->push_back({WatchEvent::Kind::kRescan, "", "inotify queue overflow"});
    return;
  }
  auto it = paths_.find(wd);
  if (it == paths_.end()) return;
  const std::string dir = it->second;
  if (mask & IN_IGNORED) {
    paths_.erase(it);
    if (std::find(tops_.begin(), tops_.end(), dir) != tops_.end()) {
      out->push_back({WatchEvent::Kind::kRescan, dir, dir + " went away"});
    }
    return;
  }
  if (name.empty()) return;  // An event on the directory itself.
  std::string path = dir + "/" + name;
  if (mask & IN_ISDIR) {
    if (mask & (IN_CREATE | IN_MOVED_TO)) {
      if (Status s = WatchOne(path, 1); !s.ok()) {
        out->push_back({WatchEvent::Kind::kRescan, path, s.message()});
      }
      out->push_back({WatchEvent::Kind::kDirectoryCreated, path, ""});
    }
    if (mask & IN_MOVED_FROM) {
      // Its watches would keep reporting the old path; if it moved inside
      // the tree, IN_MOVED_TO watches it again under the new one. Files
      // below it now live elsewhere (or nowhere): rescan.
      ForgetTree(path);
      out->push_back({WatchEvent::Kind::kRescan, path, path + " moved"});
    }
    return;
  }
  if (IsJsonl(name)) out->push_back({WatchEvent::Kind::kFileChanged, path, ""});
}

}  // namespace cc
