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

// Merges into the file at `path` (created if missing, with its directory),
// keeping the old file as path + ".bak-<unix seconds>"; returns that
// backup's path ("" when there was no file). Written atomically.
Result<std::string> WriteClaudeSettings(const std::string& path,
                                        const std::string& endpoint);

}  // namespace cc
