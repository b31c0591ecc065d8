#include "report/text_table.h"

#include <algorithm>

namespace cc {

size_t DisplayWidth(const std::string& text) {
  size_t n = 0;
  for (char c : text)
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

void TextTable::AddRow(std::vector<std::string> cells, Style style) {
  cells.resize(columns_.size());
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
