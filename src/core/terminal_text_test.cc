// What a terminal may be shown of text that came from input: the hostile
// cases first (an OSC 52 clipboard write, a screen clear, a carriage return
// that overwrites a line), then ordinary text, which passes unchanged.
#include "core/terminal_text.h"

#include <gtest/gtest.h>

#include <string>

namespace cc {
namespace {

// No byte a terminal would act on: C0 (all of them, \n and \t too), DEL,
// ESC, and C1 in its UTF-8 form (0xC2 0x80..0x9F).
bool Inert(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == 0xC2 && i + 1 < s.size() &&
        (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0x80) {
      return false;
    }
  }
  return true;
}

TEST(TerminalSafe, EscapesAnOscClipboardWriteEndedByBel) {
  const std::string hostile = "\x1b]52;c;ZWNobyBoaQ==\x07";
  EXPECT_EQ(TerminalSafe(hostile), "\\x1b]52;c;ZWNobyBoaQ==\\x07");
  EXPECT_TRUE(Inert(TerminalSafe(hostile)));
}

TEST(TerminalSafe, EscapesCsiScreenClearAndCursorMoves) {
  EXPECT_EQ(TerminalSafe("\x1b[2J\x1b[H"), "\\x1b[2J\\x1b[H");
  EXPECT_EQ(TerminalSafe("a\x1b"), "a\\x1b");  // A lone ESC at the end.
}

TEST(TerminalSafe, EscapesLineBreaksAndTabsInsideData) {
  // A table cell is one line: a carriage return would overwrite the row,
  // a newline start a fake one, a tab shift the columns.
  EXPECT_EQ(TerminalSafe("ok\rEVIL"), "ok\\rEVIL");
  EXPECT_EQ(TerminalSafe("a\nb"), "a\\nb");
  EXPECT_EQ(TerminalSafe("a\tb"), "a\\tb");
  EXPECT_EQ(TerminalSafe(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(TerminalSafe("\x08\x0b\x0c\x1f"), "\\x08\\x0b\\x0c\\x1f");
}

TEST(TerminalSafe, EscapesDel) {
  EXPECT_EQ(TerminalSafe("x\x7fy"), "x\\x7fy");
}

TEST(TerminalSafe, EscapesC1ControlsEncodedInUtf8) {
  // U+009B is a one-character CSI on terminals that honour C1.
  EXPECT_EQ(TerminalSafe("\xC2\x9B" "2J"), "\\u009b2J");
  EXPECT_EQ(TerminalSafe("\xC2\x80\xC2\x9F"), "\\u0080\\u009f");
  // U+00A0 and above are printable: unchanged.
  EXPECT_EQ(TerminalSafe("\xC2\xA0"), "\xC2\xA0");
}

TEST(TerminalSafe, ShowsInvalidUtf8BytesAsHex) {
  EXPECT_EQ(TerminalSafe("a\xff" "b"), "a\\xffb");
  EXPECT_EQ(TerminalSafe("\x9b"), "\\x9b");          // A raw 8-bit CSI.
  EXPECT_EQ(TerminalSafe("\xC3"), "\\xc3");          // Truncated.
  EXPECT_EQ(TerminalSafe("\xE6\x97"), "\\xe6\\x97");  // Truncated.
  EXPECT_EQ(TerminalSafe("\xC0\xAF"), "\\xc0\\xaf");  // Overlong '/'.
  EXPECT_EQ(TerminalSafe("\xED\xA0\x80"), "\\xed\\xa0\\x80");  // Surrogate.
  EXPECT_EQ(TerminalSafe("\xF4\x90\x80\x80"),
            "\\xf4\\x90\\x80\\x80");  // Beyond U+10FFFF.
  // An overlong C1 (0xC2 0x9B spelled in three bytes) is invalid, not C1.
  EXPECT_EQ(TerminalSafe("\xE0\x82\x9B"), "\\xe0\\x82\\x9b");
}

TEST(TerminalSafe, LeavesPrintableUtf8Unchanged) {
  for (const std::string s :
       {"claude-sonnet-4-20250514", "/home/u/caf\xC3\xA9",  // café
        "\xE6\x97\xA5\xE6\x9C\xAC",                          // 日本
        "\xF0\x9F\x9A\x80 launch",                           // 🚀
        "back\\slash", "", "~!@#$%^&*()_+{}|:\"<>?`-=[];',./ "}) {
    EXPECT_EQ(TerminalSafe(s), s);
  }
}

TEST(TerminalSafeLines, KeepsTheLayoutsNewlinesAndTabsOnly) {
  EXPECT_EQ(TerminalSafeLines("a\tb\nc\r\n\x1b[2J\xC2\x9B\xff"),
            "a\tb\nc\\r\n\\x1b[2J\\u009b\\xff");
}

}  // namespace
}  // namespace cc
