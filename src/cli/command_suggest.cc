#include "cli/command_suggest.h"

#include <algorithm>
#include <utility>

#include "core/edit_distance.h"

namespace cc::cli {
namespace {

std::string FirstWord(const std::string& s) { return s.substr(0, s.find(' ')); }

bool EndsWithWords(const std::string& path, const std::string& said) {
  return path.size() > said.size() &&
         path.compare(path.size() - said.size(), said.size(), said) == 0 &&
         path[path.size() - said.size() - 1] == ' ';
}

}  // namespace

std::vector<std::string> SuggestCommands(const std::string& said,
                                         const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    if (EndsWithWords(p, said)) out.push_back(p);
  }
  if (out.empty()) {
    // One word is matched against first words, several against paths.
    const bool one_word = said.find(' ') == std::string::npos;
    std::vector<std::pair<size_t, std::string>> near;
    for (const std::string& p : paths) {
      std::string candidate = one_word ? FirstWord(p) : p;
      const size_t d = EditDistance(said, candidate);
      if (d <= 2 && std::none_of(near.begin(), near.end(), [&](const auto& n) {
            return n.second == candidate;
          })) {
        near.emplace_back(d, std::move(candidate));
      }
    }
    std::stable_sort(near.begin(), near.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& n : near) out.push_back(std::move(n.second));
  }
  if (out.size() > 3) out.resize(3);
  return out;
}

}  // namespace cc::cli
