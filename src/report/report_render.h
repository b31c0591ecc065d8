// Rendering a UsageReport: ccusage-compatible JSON for scripts, and a
// table that fits the terminal for people. Pure text; cli/ prints it.
#pragma once

#include <optional>
#include <string>

#include "report/project_names.h"
#include "report/usage_report.h"

namespace cc {

struct RenderOptions {
  TimeZone zone = TimeZone::Utc();  // Times are shown in it.
  bool breakdown = false;           // Per-model lines under each row.
  bool compact = false;             // Fewer columns.
  bool color = false;
  size_t width = 120;  // Terminal columns.
  int64_t now_ms = 0;
  // Blocks: --token-limit (already resolved from "max").
  std::optional<uint64_t> token_limit;
  // How projects are shown (null: as their folder names). Not owned.
  const ProjectNames* projects = nullptr;
};

// Below this width a table shows a project by its last path component.
constexpr size_t kFullProjectPathWidth = 140;

// ccusage's shapes: {"daily"|"weekly"|"monthly"|"sessions": [...],
// "totals": {...}} and {"blocks": [...]}, with exact decimal costs and a
// few extra fields (events, unpricedEvents, cache write split; sessions'
// "projectName", the name shown). --instances: {"projects": {folder:
// [rows]}, "projectNames": {folder: name shown}, "totals": {...}}.
std::string ReportJson(const UsageReport& report, const RenderOptions& opt);

std::string ReportTable(const UsageReport& report, const RenderOptions& opt);

// "claude-sonnet-4-20250514" -> "sonnet-4".
std::string ShortModelName(const std::string& model);

// 1234567 -> "1,234,567".
std::string WithThousands(uint64_t value);

}  // namespace cc
