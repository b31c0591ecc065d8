#include "core/terminal_text.h"

#include <cstdio>

#include "core/utf8.h"

namespace cc {
namespace {

void AppendEscape(std::string& out, const char* format, unsigned value) {
  char buf[8];
  std::snprintf(buf, sizeof buf, format, value);
  out += buf;
}

std::string Escaped(std::string_view text, bool keep_layout) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(text[i++]);
      continue;
    }
    if (c < 0x80) {  // C0 or DEL.
      if (keep_layout && (c == '\n' || c == '\t')) out.push_back(text[i]);
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else AppendEscape(out, "\\x%02x", c);
      ++i;
      continue;
    }
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      AppendEscape(out, "\\x%02x", c);
      ++i;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      AppendEscape(out, "\\u%04x", static_cast<unsigned char>(text[i + 1]));
      i += 2;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace

std::string TerminalSafe(std::string_view text) { return Escaped(text, false); }

std::string TerminalSafeLines(std::string_view text) {
  return Escaped(text, true);
}

}  // namespace cc
