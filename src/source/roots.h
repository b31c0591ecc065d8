// Roots: which Claude Code configuration directories to read.
//
// Precedence (DESIGN §2): --claude-dir flags; else CLAUDE_CONFIG_DIR (a
// comma-separated list); else ~/.config/claude and ~/.claude. Duplicates
// (after making them absolute and normal) are dropped; missing roots are kept and reported by
// the scanner, never fatal.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cc {

struct RootsInput {
  std::vector<std::string> flag_dirs;          // --claude-dir, in order.
  std::optional<std::string> config_dir_env;   // CLAUDE_CONFIG_DIR.
  std::optional<std::string> home;             // HOME.
};

std::vector<std::string> ResolveRoots(const RootsInput& input);

}  // namespace cc
