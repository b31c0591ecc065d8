// LogChannel: every alert, always, as one line in the alerts log
// ($XDG_STATE_HOME/context-cleaner/alerts.log, ~/.local/state/... when
// unset; mode 0600; past 1 MB it starts over, the previous one kept as
// alerts.log.1):
//
//   2026-12-08T15:04:05.250Z threshold:daily:2026-12-08T00:00:00:80 context-cleaner: budget 'daily' at 80 % — $16.20 of $20.00 today
//
// (the time is when the alert fired), and through `say`, for the
// process's log or stderr, without the time:
//
//   alert threshold:daily:2026-12-08T00:00:00:80: budget 'daily' at 80 % — $16.20 of $20.00 today
//
// Both are escaped for a terminal (core/terminal_text.h): names in them
// come from the config. A log file that cannot be written is an error (the
// line still went to `say`).
#pragma once

#include <functional>
#include <string>

#include "alert/alert_channel.h"

namespace cc {

class LogChannel final : public AlertChannel {
 public:
  using Say = std::function<void(const std::string& line)>;
  // `path` "" writes no file. `say` may be null.
  LogChannel(std::string path, Say say)
      : path_(std::move(path)), say_(std::move(say)) {}

  const char* name() const override { return "log"; }
  Status Deliver(const Alert& alert, std::string_view payload,
                 int64_t time_limit_ms) override;

  const std::string& path() const { return path_; }

  static constexpr uint64_t kMaxBytes = 1 << 20;

 private:
  const std::string path_;
  const Say say_;
};

// $XDG_STATE_HOME/context-cleaner/alerts.log, else under $HOME/.local/state.
std::string DefaultAlertLogPath();

// The file's line, without its newline.
std::string AlertLogLine(const Alert& alert);
// The line said to the process's log.
std::string AlertNoticeLine(const Alert& alert);

}  // namespace cc
