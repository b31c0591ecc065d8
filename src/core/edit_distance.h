// How far apart two names are, for "did you mean" suggestions (unknown
// commands, unknown projects). Pure.
#pragma once

#include <cstddef>
#include <string_view>

namespace cc {

// Levenshtein distance (insert, delete, replace), on bytes.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace cc
