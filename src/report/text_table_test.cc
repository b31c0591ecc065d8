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
