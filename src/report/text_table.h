// TextTable: columns of text for a terminal. Numbers align right. When the
// table is wider than the terminal it narrows before it drops anything:
// titles wrap at spaces, wrapping columns (model lists) go onto more lines,
// numbers go compact ("1.23M"), ids shorten to a prefix; only then are
// columns marked optional dropped, least important first. Identifying
// columns (a date, a session and its project) are never dropped, and a
// date never breaks. Colours only when asked for. Cells may hold anything
// (model names, project directories, session ids come from input): each is
// escaped by TerminalSafe (core/terminal_text.h) when added, so a cell
// holds no controls, and widths are those of the escaped text. The
// rendered text's only escape sequences are the colours.
#pragma once

#include <string>
#include <vector>

namespace cc {

class TextTable {
 public:
  // How a column may narrow, in the order the steps are tried.
  enum class Fit {
    kFixed,       // As wide as its widest cell.
    kWrap,        // Wraps at spaces onto more lines (lists, statuses).
    kNumber,      // "1,234,567" may show as "1.23M".
    kAbbreviate,  // An id may show as its first 8 characters and "…".
  };
  struct Column {
    std::string title;
    bool right = true;   // Numbers align right.
    int drop_order = 0;  // 0 = always shown; higher drops first.
    Fit fit = Fit::kFixed;
  };
  enum class Style { kNormal, kDim, kBold };

  explicit TextTable(std::vector<Column> columns);

  void AddRow(std::vector<std::string> cells, Style style = Style::kNormal);
  void AddRule();

  // Fits `width` columns when it can (0: as narrow as it gets).
  std::string Render(size_t width, bool color) const;

 private:
  struct Row {
    std::vector<std::string> cells;  // Empty: a rule.
    Style style;
  };
  // Which columns show, how wide, and which narrowing steps apply.
  struct Layout {
    std::vector<bool> visible;
    std::vector<size_t> widths;
    bool compact_numbers = false;
    bool abbreviate = false;
    size_t Total() const;
  };
  Layout Arrange(size_t width) const;
  Layout TryLayout(int drop_from, int step, size_t width) const;
  std::string Shown(size_t column, const std::string& cell,
                    const Layout& layout) const;

  std::vector<Column> columns_;
  std::vector<Row> rows_;
};

// Columns UTF-8 text takes on a terminal: East Asian wide and fullwidth
// characters and most emoji two, combining marks none, others one (an
// invalid byte counts one). For text without controls (TerminalSafe).
size_t DisplayWidth(const std::string& text);

// `text` broken at spaces into lines of at most `width` columns. A word
// longer than that gets a line of its own (never cut); two words that
// both start with a digit stay together ("2025-09-03 10:02", "3h 05m"), and
// so does a "-" bullet with its word.
std::vector<std::string> WrapWords(const std::string& text, size_t width);

// Paragraphs (one per line of `text`) wrapped by WrapWords, continuation
// lines indented by `indent` spaces; every line ends in '\n'.
std::string WrapText(const std::string& text, size_t width, size_t indent = 2);

// "1,234,567" -> "1.23M" (three significant digits, K M B T); numbers
// under 10,000 and anything that is not a number stay as they are.
std::string CompactNumber(const std::string& text);

}  // namespace cc
