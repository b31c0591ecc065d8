// The `env` settings that point Claude Code's telemetry at this program's
// receiver, and merging them into Claude Code's settings.json without touching
// anything else in it (`context-cleaner telemetry init [--write]`).
#pragma once

#include <string>

#include "claude_settings/settings_file.h"
#include "core/result.h"

namespace cc {

// {"CLAUDE_CODE_ENABLE_TELEMETRY": "1", ..., "OTEL_EXPORTER_OTLP_ENDPOINT":
// endpoint} as pretty JSON.
std::string ClaudeTelemetryEnvJson(const std::string& endpoint);

// `settings_json` with those keys set in its "env" object (created if
// missing); every other key and value kept as it was.
Result<std::string> MergeClaudeSettings(const std::string& settings_json,
                                        const std::string& endpoint);

// The endpoint `settings_json`'s "env" already sends Claude Code's
// telemetry to, when it is not `endpoint`: OTEL_EXPORTER_OTLP_ENDPOINT or a
// per-signal OTEL_EXPORTER_OTLP_{LOGS,METRICS}_ENDPOINT (which wins over
// it). "" when there is none or it is `endpoint`.
Result<std::string> OtherTelemetryEndpoint(const std::string& settings_json,
                                           const std::string& endpoint);

// Whether every key MergeClaudeSettings sets already has its value (and no
// per-signal endpoint overrides it): a merge would change nothing.
Result<bool> TelemetrySettingsInPlace(const std::string& settings_json,
                                      const std::string& endpoint);

// Merges into the file at `path` (UpdateSettingsFile: a backup, atomic,
// mode and symlinks kept). A file already in place is left alone (kUnchanged, no
// backup). A file sending telemetry elsewhere (OtherTelemetryEndpoint) is
// an InvalidArgument naming that endpoint, unless `replace_other_endpoint`.
// A file that is not a JSON object (or whose "env" is not one) is an
// InvalidArgument and is left as it was, with no backup.
Result<SettingsUpdate> WriteTelemetrySettings(const std::string& path,
                                           const std::string& endpoint,
                                           bool replace_other_endpoint);

}  // namespace cc
