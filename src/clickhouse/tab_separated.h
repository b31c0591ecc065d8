// ClickHouse's TabSeparated answers: a line cut into its fields (escapes
// undone) and numbers parsed strictly. What a server sends is input like
// any other: a malformed number is an error to report, never a throw.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace cc {

// One line (without its '\n') as fields, with \t \n \0 \\ and friends
// unescaped.
std::vector<std::string> TsvFields(std::string_view line);

// The whole of `s` as a number; false (and *out unspecified) otherwise.
template <typename T>
bool TsvNumber(const std::string& s, T* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace cc
