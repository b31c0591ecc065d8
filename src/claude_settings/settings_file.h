// Claude Code's settings.json: where Claude Code reads it, and changing it
// safely. Used by `telemetry init` and `statusline init`.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/result.h"

namespace cc {

// The settings.json Claude Code reads: `flag` (--settings) when given;
// else $CLAUDE_CONFIG_DIR/settings.json when that is set (one directory:
// Claude Code reads no list, so a comma-separated one is an
// InvalidArgument asking for --settings); else ~/.claude/settings.json.
Result<std::string> ClaudeSettingsPath(const std::optional<std::string>& flag,
                                       const char* config_dir_env, const char* home);

struct SettingsUpdate {
  enum class Outcome { kCreated, kUpdated, kUnchanged };
  Outcome outcome = Outcome::kUnchanged;
  std::string backup;  // The old bytes' copy; "" unless kUpdated.
};

// Given the file's JSON ("{}" when there is no file): the new text, or
// nullopt when nothing needs to change; an error leaves the file alone.
using SettingsEdit =
    std::function<Result<std::optional<std::string>>(const std::string& current)>;

// Applies `edit` to the file at `path` (created if missing, with its
// directory, mode 0600), keeping the old bytes as path + ".bak-<unix
// seconds>" (with a "-2", "-3", ... suffix when that exists: an earlier
// backup is never overwritten). Unchanged: no write, no backup. Written
// atomically (a temporary file beside it, synced, renamed over it) with the
// old file's mode; when `path` is a symlink, its target is rewritten and
// the link stays. An edit's error is returned prefixed with `path`.
Result<SettingsUpdate> UpdateSettingsFile(const std::string& path, const SettingsEdit& edit);

}  // namespace cc
