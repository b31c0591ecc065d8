// What the user may have meant by a command we do not have: `daily` is
// `report daily` (ccusage's name for it), `reprot` is `report`.
#pragma once

#include <string>
#include <vector>

namespace cc::cli {

// Of `paths` (every command, "report daily"), those that `said` (the words
// given, joined by spaces) most likely meant, best first, at most three:
// the paths whose last words are `said`, else those within two edits of
// it (one word against the paths' first words, several against paths).
std::vector<std::string> SuggestCommands(const std::string& said,
                                         const std::vector<std::string>& paths);

}  // namespace cc::cli
