// TextTable: cells from input cannot reach the terminal as controls, and
// columns line up on what is shown (the escaped text, wide characters).
#include "report/text_table.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace cc {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(TextTable, HostileCellsAreEscapedAndStayOnTheirRow) {
  TextTable t({{"Model", false, 0}, {"Tokens", true, 0}});
  t.AddRow({"\x1b[2J\x1b]52;c;ZWNobyBoaQ==\x07", "1"});
  t.AddRow({"a\r\nFAKE\tx\xC2\x9B\x7f\xff", "2"});
  const std::string out = t.Render(200, false);
  EXPECT_EQ(out,
            "Model                              Tokens\n"
            "-----------------------------------------\n"
            "\\x1b[2J\\x1b]52;c;ZWNobyBoaQ==\\x07       1\n"
            "a\\r\\nFAKE\\tx\\u009b\\x7f\\xff              2\n");
}

TEST(TextTable, ColoursAreTheOnlyEscapeSequences) {
  TextTable t({{"Model", false, 0}});
  t.AddRow({"\x1b[31mred"}, TextTable::Style::kBold);
  const std::string out = t.Render(80, true);
  EXPECT_EQ(out,
            "\x1b[1mModel\x1b[0m\n"
            "\x1b[2m-----------\x1b[0m\n"
            "\x1b[1m\\x1b[31mred\x1b[0m\n");
}

TEST(TextTable, WideCharactersTakeTwoColumns) {
  TextTable t({{"Project", false, 0}, {"Tokens", true, 0}});
  t.AddRow({"\xE6\x97\xA5\xE6\x9C\xAC", "1"});  // 日本: 4 columns.
  t.AddRow({"caf\xC3\xA9", "22"});               // café: 4 columns.
  const std::vector<std::string> lines = Lines(t.Render(80, false));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2], "\xE6\x97\xA5\xE6\x9C\xAC" + std::string(10, ' ') + "1");
  EXPECT_EQ(lines[3], "caf\xC3\xA9" + std::string(9, ' ') + "22");
}

TEST(WrapWords, BreaksAtSpacesAndNeverInsideADateOrAWord) {
  EXPECT_EQ(WrapWords("the quick brown fox", 10),
            (std::vector<std::string>{"the quick", "brown fox"}));
  // A date and its time, and a duration, stay on one line.
  EXPECT_EQ(WrapWords("ends 2025-09-03 10:02 after 3h 05m", 12),
            (std::vector<std::string>{"ends", "2025-09-03 10:02",
                                      "after 3h 05m"}));
  // A word longer than the width is not cut; a bullet keeps its word.
  EXPECT_EQ(WrapWords("a claude-sonnet-4-5 b", 5),
            (std::vector<std::string>{"a", "claude-sonnet-4-5", "b"}));
  EXPECT_EQ(WrapWords("- sonnet-4", 4),
            (std::vector<std::string>{"- sonnet-4"}));
  EXPECT_EQ(WrapWords("", 10), (std::vector<std::string>{""}));
}

TEST(WrapText, WrapsEachParagraphWithAHangingIndent) {
  const std::string note =
      "~ 3 of 10 requests are lower bounds: telemetry has not confirmed "
      "them\nNo active block.\n";
  const std::string out = WrapText(note, 30);
  EXPECT_EQ(out,
            "~ 3 of 10 requests are lower\n"
            "  bounds: telemetry has not\n"
            "  confirmed them\n"
            "No active block.\n");
  for (const std::string& line : Lines(WrapText(note + note, 20))) {
    EXPECT_LE(line.size(), 20u) << line;
  }
}

TEST(CompactNumber, ThreeSignificantDigits) {
  EXPECT_EQ(CompactNumber("9,999"), "9,999");
  EXPECT_EQ(CompactNumber("12,345"), "12.3K");
  EXPECT_EQ(CompactNumber("123,456"), "123K");
  EXPECT_EQ(CompactNumber("999,999"), "1.00M");
  EXPECT_EQ(CompactNumber("1,234,567"), "1.23M");
  EXPECT_EQ(CompactNumber("3,073,883,148"), "3.07B");
  EXPECT_EQ(CompactNumber("$12,345.00"), "$12,345.00");  // Not a count.
  EXPECT_EQ(CompactNumber(""), "");
}

// A table wider than the terminal narrows step by step: titles wrap, then
// the wrapping column, then numbers compact, then ids shorten, and only
// then is a column dropped.
TEST(TextTable, NarrowsBeforeItDrops) {
  using Fit = TextTable::Fit;
  TextTable t({{"Session id", false, 0, Fit::kAbbreviate},
               {"Models used", false, 0, Fit::kWrap},
               {"Cache read", true, 1, Fit::kNumber},
               {"Total tokens", true, 0, Fit::kNumber}});
  t.AddRow({"0123456789abcdef", "opus-4, sonnet-4", "1,234,567",
            "2,000,000,000"});
  auto lines_at = [&](size_t width) { return Lines(t.Render(width, false)); };
  // Wide: one line each.
  EXPECT_EQ(lines_at(200),
            (std::vector<std::string>{
                "Session id        Models used       Cache read   Total tokens",
                "-------------------------------------------------------------",
                "0123456789abcdef  opus-4, sonnet-4   1,234,567  2,000,000,000"}));
  // 60: titles wrap.
  EXPECT_EQ(lines_at(60)[0],
            "Session id        Models used           Cache   Total tokens");
  EXPECT_EQ(lines_at(60)[1], "                                         read");
  // 56: the models wrap too.
  EXPECT_EQ(lines_at(56),
            (std::vector<std::string>{
                "Session id        Models used      Cache   Total tokens",
                "                                    read",
                "-------------------------------------------------------",
                "0123456789abcdef  opus-4,      1,234,567  2,000,000,000",
                "                  sonnet-4"}));
  // 48: numbers compact.
  EXPECT_EQ(lines_at(48),
            (std::vector<std::string>{
                "Session id        Models used  Cache   Total",
                "                                read  tokens",
                "--------------------------------------------",
                "0123456789abcdef  opus-4,      1.23M   2.00B",
                "                  sonnet-4"}));
  // 37: the id shortens; 30: the optional column goes, at last.
  EXPECT_EQ(lines_at(37)[3], "01234567\xE2\x80\xA6  opus-4,      1.23M   2.00B");
  EXPECT_EQ(lines_at(30),
            (std::vector<std::string>{
                "Session    Models used   Total",
                "id                      tokens",
                "------------------------------",
                "01234567\xE2\x80\xA6  opus-4,       2.00B",
                "           sonnet-4"}));
  // Too narrow for anything: as narrow as it gets, no word cut.
  EXPECT_EQ(lines_at(0)[3], "01234567\xE2\x80\xA6  opus-4,    2.00B");
}

TEST(DisplayWidth, CountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("caf\xC3\xA9"), 4u);
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1u);  // e + combining acute.
  EXPECT_EQ(DisplayWidth("\xE6\x97\xA5\xE6\x9C\xAC"), 4u);
  EXPECT_EQ(DisplayWidth("\xF0\x9F\x9A\x80"), 2u);  // 🚀
  EXPECT_EQ(DisplayWidth("\xFF"), 1u);
}

}  // namespace
}  // namespace cc
