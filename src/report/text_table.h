// TextTable: columns of text for a terminal. Numbers align right; columns
// marked optional are dropped, least important first, until the table
// fits the width. Colours only when asked for.
#pragma once

#include <string>
#include <vector>

namespace cc {

class TextTable {
 public:
  struct Column {
    std::string title;
    bool right = true;   // Numbers align right.
    int drop_order = 0;  // 0 = always shown; higher drops first.
  };
  enum class Style { kNormal, kDim, kBold };

  explicit TextTable(std::vector<Column> columns)
      : columns_(std::move(columns)) {}

  void AddRow(std::vector<std::string> cells, Style style = Style::kNormal);
  void AddRule();

  std::string Render(size_t width, bool color) const;

 private:
  struct Row {
    std::vector<std::string> cells;  // Empty: a rule.
    Style style;
  };
  std::vector<bool> VisibleColumns(size_t width) const;

  std::vector<Column> columns_;
  std::vector<Row> rows_;
};

// Display width of UTF-8 text (code points; our text has no wide glyphs).
size_t DisplayWidth(const std::string& text);

}  // namespace cc
