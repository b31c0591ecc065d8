// TextTable: columns of text for a terminal. Numbers align right; columns
// marked optional are dropped, least important first, until the table
// fits the width. Colours only when asked for. Cells may hold anything
// (model names, project directories, session ids come from input): each is
// escaped by TerminalSafe (core/terminal_text.h) when added, so a cell is
// one line without controls, and widths are those of the escaped text.
// The rendered text's only escape sequences are the colours.
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

  explicit TextTable(std::vector<Column> columns);

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

// Columns UTF-8 text takes on a terminal: East Asian wide and fullwidth
// characters and most emoji two, combining marks none, others one (an
// invalid byte counts one). For text without controls (TerminalSafe).
size_t DisplayWidth(const std::string& text);

}  // namespace cc
