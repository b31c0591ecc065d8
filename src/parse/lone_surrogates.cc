#include "parse/lone_surrogates.h"

namespace cc {
namespace {

// The code unit of a `\uXXXX` escape starting at text[pos], or -1.
int EscapedUnit(std::string_view text, size_t pos) {
  if (pos + 6 > text.size() || text[pos] != '\\' || text[pos + 1] != 'u') {
    return -1;
  }
  int unit = 0;
  for (size_t i = pos + 2; i < pos + 6; ++i) {
    char c = text[i];
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

bool IsHigh(int unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool IsLow(int unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

}  // namespace

std::optional<std::string> ReplaceLoneSurrogates(std::string_view json) {
  std::string out;
  bool replaced = false;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (!in_string) {
      in_string = c == '"';
      out.push_back(c);
      continue;
    }
    if (c == '"') {
      in_string = false;
      out.push_back(c);
      continue;
    }
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    int unit = EscapedUnit(json, i);
    if (IsHigh(unit) && IsLow(EscapedUnit(json, i + 6))) {
      out.append(json.substr(i, 12));  // A proper pair.
      i += 11;
    } else if (IsHigh(unit) || IsLow(unit)) {
      out.append("\\uFFFD");
      replaced = true;
      i += 5;
    } else if (i + 1 < json.size()) {
      out.append(json.substr(i, 2));  // Any other escape, e.g. \\ or \".
      i += 1;
    } else {
      out.push_back(c);
    }
  }
  if (!replaced) return std::nullopt;
  return out;
}

}  // namespace cc
