#include "claude_settings/settings_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace cc {

Result<std::string> ClaudeSettingsPath(const std::optional<std::string>& flag,
                                       const char* config_dir_env, const char* home) {
  if (flag) return *flag;
  if (config_dir_env != nullptr && *config_dir_env != '\0') {
    const std::string dir = config_dir_env;
    if (dir.find(',') != std::string::npos) {
      return Status::InvalidArgument(
          "CLAUDE_CONFIG_DIR names several directories (" + dir +
          "); name the settings file Claude Code reads with --settings FILE");
    }
    return dir + "/settings.json";
  }
  return std::string(home != nullptr ? home : ".") + "/.claude/settings.json";
}

namespace {

namespace fs = std::filesystem;

constexpr mode_t kNewFileMode = 0600;  // settings.json may hold secrets.

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Writes all of `bytes` to a new file at `path` with exactly `mode`;
// EEXIST (as an IoError) when something is already there.
Status WriteNewFile(const std::string& path, const std::string& bytes,
                    mode_t mode, bool* exists = nullptr) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (exists != nullptr) *exists = errno == EEXIST;
    return Status::IoError(Errno("cannot create " + path));
  }
  Status s = Status::Ok();
  if (::fchmod(fd, mode) != 0)
    s = Status::IoError(Errno("cannot chmod " + path));
  for (size_t done = 0; s.ok() && done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) s = Status::IoError(Errno("cannot write " + path));
    if (n > 0) done += static_cast<size_t>(n);
  }
  if (s.ok() && ::fsync(fd) != 0)
    s = Status::IoError(Errno("cannot sync " + path));
  if (::close(fd) != 0 && s.ok())
    s = Status::IoError(Errno("cannot close " + path));
  if (!s.ok()) ::unlink(path.c_str());
  return s;
}

// The file a write to `path` must replace: `path` itself, or the file its
// symlinks lead to (replacing the link would cut it from its target).
Result<std::string> WriteTarget(const std::string& path) {
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
  const fs::path target = fs::weakly_canonical(path, ec);
  if (ec) {
    return Status::IoError("cannot follow the symlink " + path + ": " +
                           ec.message());
  }
  return target.string();
}

// path + ".bak-<unix seconds>" (then "-2", "-3", ... if taken) holding
// `bytes`: an earlier backup is never overwritten.
Result<std::string> KeepBackup(const std::string& path,
                               const std::string& bytes, mode_t mode) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const std::string stem = path + ".bak-" + std::to_string(now.count());
  for (int n = 1; n < 1000; ++n) {
    const std::string backup = n == 1 ? stem : stem + "-" + std::to_string(n);
    bool exists = false;
    Status s = WriteNewFile(backup, bytes, mode, &exists);
    if (s.ok()) return backup;
    if (!exists) return Status::IoError("cannot keep a backup: " + s.message());
  }
  return Status::IoError("cannot keep a backup: " + stem +
                         "-2 to -999 all exist");
}

}  // namespace

Result<SettingsUpdate> UpdateSettingsFile(const std::string& path, const SettingsEdit& edit) {
  Result<std::string> target = WriteTarget(path);
  if (!target.ok()) return target.status();
  std::string old;
  struct stat st {};
  const bool existed = ::stat(target->c_str(), &st) == 0;
  if (!existed && errno != ENOENT) {
    return Status::IoError(Errno("cannot read " + *target));
  }
  const mode_t mode = existed ? (st.st_mode & 07777) : kNewFileMode;
  if (existed) {
    std::ifstream in(*target, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in.good() && !in.eof())
      return Status::IoError("cannot read " + *target);
    old = ss.str();
  }
  Result<std::optional<std::string>> changed = edit(old.empty() ? "{}" : old);
  if (!changed.ok()) {
    // Every edit's refusal is about the value it found: a usage error.
    return Status::InvalidArgument(path + ": " + changed.status().message());
  }
  if (!changed->has_value()) return SettingsUpdate{};
  SettingsUpdate update;
  update.outcome = SettingsUpdate::Outcome::kCreated;
  if (existed) {
    Result<std::string> b = KeepBackup(path, old, mode);
    if (!b.ok()) return b.status();
    update.outcome = SettingsUpdate::Outcome::kUpdated;
    update.backup = std::move(*b);
  } else {
    std::error_code ec;
    fs::create_directories(fs::path(*target).parent_path(), ec);
  }
  const std::string tmp = *target + ".tmp-" + std::to_string(::getpid());
  if (Status s = WriteNewFile(tmp, **changed, mode); !s.ok()) return s;
  if (::rename(tmp.c_str(), target->c_str()) != 0) {
    Status s = Status::IoError(Errno("cannot replace " + *target));
    ::unlink(tmp.c_str());
    return s;
  }
  return update;
}

}  // namespace cc
