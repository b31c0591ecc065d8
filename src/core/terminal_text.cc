#include "core/terminal_text.h"

#include <cstdio>

#include "core/utf8.h"

namespace cc {
namespace {

bool PrintableAscii(unsigned char c) { return c >= 0x20 && c < 0x7f; }

void AppendEscape(std::string& out, const char* format, unsigned value) {
  char buf[8];
  std::snprintf(buf, sizeof buf, format, value);
  out += buf;
}

// A C0 control or DEL.
void AppendControl(std::string& out, unsigned char c, bool keep_layout) {
  if (keep_layout && (c == '\n' || c == '\t')) out.push_back(static_cast<char>(c));
  else if (c == '\n') out += "\\n";
  else if (c == '\r') out += "\\r";
  else if (c == '\t') out += "\\t";
  else AppendEscape(out, "\\x%02x", c);
}

// The character at text[i] (not ASCII); returns the bytes it took.
size_t AppendNonAscii(std::string& out, std::string_view text, size_t i) {
  const size_t n = Utf8SequenceLength(text, i);
  const auto c = static_cast<unsigned char>(text[i]);
  if (n == 0) {
    AppendEscape(out, "\\x%02x", c);
    return 1;
  }
  const auto second = static_cast<unsigned char>(text[i + 1]);
  if (n == 2 && c == 0xC2 && second < 0xA0) {  // C1: U+0080..U+009F.
    AppendEscape(out, "\\u%04x", second);
  } else {
    out.append(text.substr(i, n));
  }
  return n;
}

std::string Escaped(std::string_view text, bool keep_layout) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t plain = i;  // A run of printable ASCII, copied at once.
    while (plain < text.size() && PrintableAscii(static_cast<unsigned char>(text[plain])))
      ++plain;
    out.append(text.data() + i, plain - i);
    i = plain;
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      AppendControl(out, c, keep_layout);
      ++i;
    } else {
      i += AppendNonAscii(out, text, i);
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
