// The `statusLine` setting that makes Claude Code show `context-cleaner
// statusline` under its prompt, and merging it into settings.json without
// touching anything else (`context-cleaner statusline init [--write]`).
#pragma once

#include <string>

#include "claude_settings/settings_file.h"
#include "core/result.h"

namespace cc {

// {"type": "command", "command": command, "padding": 0,
//  "refreshInterval": 30} as pretty JSON: Claude Code runs it after each
// response, and every 30 s so that a block's time left moves while idle.
std::string StatusLineJson(const std::string& command);

// The command of a statusLine `settings_json` already has that is not
// `command`; "" when there is none or it is ours.
Result<std::string> OtherStatusLine(const std::string& settings_json, const std::string& command);

// `settings_json` with "statusLine" set to StatusLineJson(command); every
// other key kept as it was.
Result<std::string> MergeStatusLine(const std::string& settings_json, const std::string& command);

// Sets the file's statusLine (UpdateSettingsFile: a backup, atomic, mode
// and symlinks kept). One already running `command` is left alone
// (kUnchanged); another command is an InvalidArgument that names it and
// says how to show both, unless `replace_other`.
Result<SettingsUpdate> WriteStatusLineSettings(const std::string& path,
                                               const std::string& command, bool replace_other);

}  // namespace cc
