// ReplaceLoneSurrogates: repairs JSON text whose strings contain a `\uD83D`
// escape without its pair (or a lone low surrogate). JavaScript writes these
// when it cuts a string inside an emoji, JSON.parse accepts them, and strict
// parsers (simdjson) reject them. A line must not lose its tokens over a
// half emoji in a field we never read, so the parser retries with each lone
// surrogate escape replaced by `\uFFFD` (the replacement character).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cc {

// The repaired text, or nullopt when `json` has no lone surrogate escape.
std::optional<std::string> ReplaceLoneSurrogates(std::string_view json);

}  // namespace cc
