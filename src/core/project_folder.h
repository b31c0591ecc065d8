// Claude Code's folder name for a project: its start directory with every
// character that is not an ASCII letter or digit replaced by '-'
// ("/home/u/my.app" -> "-home-u-my-app"). Lossy, so never decoded; the
// ledger and the reports use it to tell a project's start directory from
// the other directories its requests ran in (report/project_names.h). Pure.
#pragma once

#include <string>
#include <string_view>

namespace cc {

// Claude Code replaces UTF-16 code units: a character beyond the BMP (a
// 4-byte UTF-8 sequence) becomes two dashes, any other non-ASCII one.
std::string EncodeProjectPath(std::string_view path);

}  // namespace cc
