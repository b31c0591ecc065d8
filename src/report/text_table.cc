#include "report/text_table.h"

#include <algorithm>
#include <cstdint>

#include "core/terminal_text.h"
#include "core/utf8.h"

namespace cc {
namespace {

uint32_t DecodeUtf8(std::string_view s, size_t i, size_t n) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  if (n == 1) return at(i);
  uint32_t cp = at(i) & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (at(i + k) & 0x3F);
  return cp;
}

// Zero-width: combining marks, joiners, variation selectors (a
// simplification of wcwidth's tables that covers common text).
bool ZeroWidth(uint32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

// East Asian Wide and Fullwidth, and the emoji blocks terminals draw wide.
bool Wide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F680 && cp <= 0x1F6FF) || (cp >= 0x1F900 && cp <= 0x1F9FF) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

}  // namespace

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      ++width;
      ++i;
      continue;
    }
    const uint32_t cp = DecodeUtf8(text, i, n);
    width += ZeroWidth(cp) ? 0u : Wide(cp) ? 2u : 1u;
    i += n;
  }
  return width;
}

TextTable::TextTable(std::vector<Column> columns)
    : columns_(std::move(columns)) {
  for (Column& c : columns_) c.title = TerminalSafe(c.title);
}

void TextTable::AddRow(std::vector<std::string> cells, Style style) {
  cells.resize(columns_.size());
  for (std::string& c : cells) c = TerminalSafe(c);
  rows_.push_back(Row{std::move(cells), style});
}

void TextTable::AddRule() { rows_.push_back(Row{{}, Style::kDim}); }

std::vector<bool> TextTable::VisibleColumns(size_t width) const {
  std::vector<size_t> widths(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].title);
    for (const Row& r : rows_) {
      if (!r.cells.empty())
        widths[c] = std::max(widths[c], DisplayWidth(r.cells[c]));
    }
  }
  std::vector<bool> visible(columns_.size(), true);
  auto total = [&] {
    size_t sum = 0, shown = 0;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!visible[c]) continue;
      sum += widths[c];
      ++shown;
    }
    return sum + (shown > 0 ? 2 * (shown - 1) : 0);
  };
  int max_order = 0;
  for (const Column& c : columns_)
    max_order = std::max(max_order, c.drop_order);
  for (int order = max_order; order > 0 && total() > width; --order) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (columns_[c].drop_order == order) visible[c] = false;
    }
  }
  return visible;
}

std::string TextTable::Render(size_t width, bool color) const {
  const std::vector<bool> visible = VisibleColumns(width);
  std::vector<size_t> widths(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].title);
    for (const Row& r : rows_) {
      if (!r.cells.empty())
        widths[c] = std::max(widths[c], DisplayWidth(r.cells[c]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    bool first = true;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!visible[c]) continue;
      if (!first) out += "  ";
      first = false;
      const size_t pad =
          widths[c] - std::min(widths[c], DisplayWidth(cells[c]));
      if (columns_[c].right) out.append(pad, ' ');
      out += cells[c];
      if (!columns_[c].right) out.append(pad, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  auto styled = [color](const std::string& text, Style s) {
    if (!color || s == Style::kNormal) return text + "\n";
    return std::string(s == Style::kBold ? "\033[1m" : "\033[2m") + text +
           "\033[0m\n";
  };
  std::vector<std::string> titles;
  for (const Column& c : columns_) titles.push_back(c.title);
  const std::string header = line(titles);
  std::string out = styled(header, Style::kBold);
  const std::string rule(DisplayWidth(header), '-');
  out += styled(rule, Style::kDim);
  for (const Row& r : rows_) {
    out += r.cells.empty() ? styled(rule, Style::kDim)
                           : styled(line(r.cells), r.style);
  }
  return out;
}

}  // namespace cc
