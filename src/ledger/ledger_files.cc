#include "ledger/ledger_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

namespace cc {
namespace {

std::string ParentOf(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

bool ReadableByOthers(mode_t mode) { return (mode & (S_IRGRP | S_IROTH)) != 0; }

// Whether every entry of `dir` is one of the ledger's files (they all
// start with the database's name: ledger.db, ledger.db-wal, ledger.db.lock).
bool HoldsOnlyTheLedger(const std::string& dir, const std::string& db_name) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return false;
  bool only = true;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (name.rfind(db_name, 0) != 0) {
      only = false;
      break;
    }
  }
  closedir(d);
  return only;
}

}  // namespace

Status EnsurePrivateLedgerDirectory(const std::string& ledger_path) {
  const std::string dir = ParentOf(ledger_path);
  if (dir.empty()) return Status::Ok();
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  const std::string grandparent = ParentOf(dir);
  if (!grandparent.empty()) std::filesystem::create_directories(grandparent, ec);
  if (ec) {
    return Status::IoError("cannot create " + grandparent + ": " + ec.message());
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::IoError("cannot create " + dir + ": " + std::strerror(errno));
  }
  // mkdir's mode passes through the umask, which may take the owner's bits.
  if (chmod(dir.c_str(), 0700) != 0) {
    return Status::IoError("cannot chmod 700 " + dir + ": " +
                           std::strerror(errno));
  }
  return Status::Ok();
}

Status CreatePrivateFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status::IoError("cannot create " + path + ": " +
                           std::strerror(errno));
  }
  // The umask may have taken bits from 0600 too.
  const int rc = fchmod(fd, 0600);
  const int err = errno;
  close(fd);
  if (rc != 0) {
    return Status::IoError("cannot chmod 600 " + path + ": " +
                           std::strerror(err));
  }
  return Status::Ok();
}

std::optional<std::string> ExposureWarning(const std::string& ledger_path) {
  struct stat st;
  if (stat(ledger_path.c_str(), &st) != 0) return std::nullopt;
  std::vector<std::string> files;
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    const std::string f = ledger_path + suffix;
    if (stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ReadableByOthers(st.st_mode)) {
      files.push_back(f);
    }
  }
  // Appended, not `"literal" + std::string` chains nor an assignment of a
  // literal: g++ 12 at -O2 warns falsely (-Wrestrict) on those here.
  const std::string parent = ParentOf(ledger_path);
  const std::string dir = parent.empty() ? std::string(1, '.') : parent;
  const std::string db_name =
      std::filesystem::path(ledger_path).filename().string();
  const bool dir_open = stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
                        ReadableByOthers(st.st_mode) &&
                        !(st.st_mode & S_ISVTX) &&
                        HoldsOnlyTheLedger(dir, db_name);
  if (files.empty() && !dir_open) return std::nullopt;
  std::string fix;
  if (!files.empty()) {
    fix.append("chmod 600");
    for (const std::string& f : files) fix.append(" ").append(f);
  }
  if (dir_open) {
    if (!fix.empty()) fix.append(" && ");
    fix.append("chmod 700 ").append(dir);
  }
  return "the ledger " + ledger_path +
         " can be read by other users (it holds paths, branches, session "
         "ids, e-mail addresses and account ids); to make it private: " +
         fix;
}

Result<std::optional<FileId>> FileIdOfPath(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<FileId>();
    return Status::IoError("cannot stat " + path + ": " +
                           std::strerror(errno));
  }
  return std::optional<FileId>(FileId{static_cast<uint64_t>(st.st_dev),
                                      static_cast<uint64_t>(st.st_ino)});
}

Result<FileId> FileIdOfDescriptor(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    return Status::IoError(std::string("fstat: ") + std::strerror(errno));
  }
  return FileId{static_cast<uint64_t>(st.st_dev),
                static_cast<uint64_t>(st.st_ino)};
}

}  // namespace cc
