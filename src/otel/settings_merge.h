// The `env` settings that point Claude Code's telemetry at this program's
// receiver, and merging them into ~/.claude/settings.json without touching
// anything else in it (`context-cleaner telemetry init [--write]`).
#pragma once

#include <string>

#include "core/result.h"

namespace cc {

// {"CLAUDE_CODE_ENABLE_TELEMETRY": "1", ..., "OTEL_EXPORTER_OTLP_ENDPOINT":
// endpoint} as pretty JSON.
std::string ClaudeTelemetryEnvJson(const std::string& endpoint);

// `settings_json` with those keys set in its "env" object (created if
// missing); every other key and value kept as it was.
Result<std::string> MergeClaudeSettings(const std::string& settings_json,
                                        const std::string& endpoint);

// Merges into the file at `path` (created if missing, with its directory,
// mode 0600), keeping the old bytes as path + ".bak-<unix seconds>" (with a
// "-2", "-3", ... suffix when that exists: an earlier backup is never
// overwritten); returns that backup's path ("" when there was no file).
// Written atomically (a temporary file beside it, synced, renamed over it)
// with the old file's mode; when `path` is a symlink, its target is
// rewritten and the link stays. A file that is not a JSON object (or whose
// "env" is not one) is an InvalidArgument and is left as it was, with no
// backup.
Result<std::string> WriteClaudeSettings(const std::string& path,
                                        const std::string& endpoint);

}  // namespace cc
