#include "alert/log_channel.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "alert/alert_payload.h"
#include "core/civil_time.h"
#include "core/terminal_text.h"

namespace cc {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// Appends `line` whole (O_APPEND: lines from two processes never mix).
Status AppendLine(const std::string& path, const std::string& line) {
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (!ec) ::chmod(dir.c_str(), 0700);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 &&
      static_cast<uint64_t>(st.st_size) > LogChannel::kMaxBytes) {
    std::filesystem::rename(path, path + ".1", ec);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::IoError("the alerts log " + path + ": " + std::strerror(errno));
  }
  const std::string bytes = line + "\n";
  const ssize_t n = ::write(fd, bytes.data(), bytes.size());
  const int write_errno = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(bytes.size())) {
    return Status::IoError("the alerts log " + path + ": " +
                           (n < 0 ? std::strerror(write_errno) : "short write"));
  }
  return Status::Ok();
}

}  // namespace

std::string DefaultAlertLogPath() {
  std::string state = Env("XDG_STATE_HOME");
  if (state.empty()) {
    const std::string home = Env("HOME");
    state = (home.empty() ? std::string(".") : home) + "/.local/state";
  }
  return state + "/context-cleaner/alerts.log";
}

std::string AlertLogLine(const Alert& alert) {
  std::string line = FormatIsoTimestampMs(alert.fired_ms);
  line.append(" ").append(alert.id).append(" ").append(AlertText(alert));
  return TerminalSafe(line);
}

std::string AlertNoticeLine(const Alert& alert) {
  std::string text = AlertText(alert);
  constexpr std::string_view kPrefix = "context-cleaner: ";
  if (text.rfind(kPrefix, 0) == 0) text.erase(0, kPrefix.size());
  std::string line = "alert ";
  line.append(alert.id).append(": ").append(text);
  return TerminalSafe(line);
}

Status LogChannel::Deliver(const Alert& alert, std::string_view, int64_t) {
  if (say_) say_(AlertNoticeLine(alert));
  if (path_.empty()) return Status::Ok();
  return AppendLine(path_, AlertLogLine(alert));
}

}  // namespace cc
