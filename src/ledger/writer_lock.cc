#include "ledger/writer_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/ledger_files.h"

namespace cc {
namespace {

std::string ReadHolder(int fd) {
  char buf[512];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "another process";
  std::string text(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) {
    text.pop_back();
  }
  return text.empty() ? "another process" : text;
}

}  // namespace

WriterLock::~WriterLock() {
  // Closing releases the flock; the file stays (removing it would race with
  // a process that just opened it).
  if (ftruncate(fd_, 0) != 0) {
    // Nothing to do: a stale holder line is harmless once unlocked.
  }
  close(fd_);
}

Result<std::unique_ptr<WriterLock>> WriterLock::Acquire(
    const std::string& ledger_path, const std::string& holder) {
  std::string path = ledger_path + ".lock";
  if (Status s = CreatePrivateFile(path); !s.ok()) return s;
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::IoError("cannot open " + path + ": " + strerror(errno));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string who = ReadHolder(fd);
    close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Busy("the ledger " + ledger_path + " is in use by " + who);
    }
    return Status::IoError("cannot lock " + path + ": " + strerror(err));
  }
  std::string line = holder + "\n";
  if (ftruncate(fd, 0) != 0 ||
      pwrite(fd, line.data(), line.size(), 0) !=
          static_cast<ssize_t>(line.size())) {
    // The lock is ours all the same; only the description is missing.
  }
  return std::unique_ptr<WriterLock>(new WriterLock(fd, path));
}

Status WriterLock::CheckStillAtPath() const {
  Result<FileId> held = FileIdOfDescriptor(fd_);
  if (!held.ok()) return held.status();
  Result<std::optional<FileId>> now = FileIdOfPath(path_);
  if (!now.ok()) return now.status();
  if (!*now) {
    return Status::IoError("the lock file " + path_ +
                           " was deleted: another process could lock the "
                           "ledger too");
  }
  if (!(**now == *held)) {
    return Status::IoError("the lock file " + path_ +
                           " was replaced by another file: another process "
                           "could lock the ledger too");
  }
  return Status::Ok();
}

}  // namespace cc
