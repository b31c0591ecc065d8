#include "source/roots.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace cc {
namespace {

// Absolute and normal, so that stored paths mean the same from any working
// directory and one root spelled two ways is one root.
std::string Normalise(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(dir, ec);
  if (ec) absolute = dir;
  std::string out = absolute.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string_view part = text.substr(start, comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) parts.emplace_back(part);
    start = comma + 1;
  }
  return parts;
}

}  // namespace

std::vector<std::string> ResolveRoots(const RootsInput& input) {
  std::vector<std::string> candidates = input.flag_dirs;
  if (candidates.empty() && input.config_dir_env) {
    candidates = SplitCommas(*input.config_dir_env);
  }
  if (candidates.empty() && input.home) {
    candidates = {*input.home + "/.config/claude", *input.home + "/.claude"};
  }
  std::vector<std::string> roots;
  for (const std::string& dir : candidates) {
    std::string root = Normalise(dir);
    if (std::find(roots.begin(), roots.end(), root) == roots.end()) {
      roots.push_back(root);
    }
  }
  return roots;
}

}  // namespace cc
