#include "report/text_table.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

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

namespace {

bool StartsWithDigit(const std::string& word) {
  return !word.empty() && word[0] >= '0' && word[0] <= '9';
}

// Words of `text`: split at spaces; two digit-led words, and a "-" bullet
// and what follows it, glued together.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    const size_t end = std::min(text.find(' ', i), text.size());
    std::string word = text.substr(i, end - i);
    if (!words.empty() && ((StartsWithDigit(words.back()) &&
                            StartsWithDigit(word)) ||
                           words.back() == "-")) {
      words.back().append(" ").append(word);
    } else {
      words.push_back(std::move(word));
    }
    i = end;
  }
  return words;
}

size_t LongestWord(const std::string& text) {
  size_t most = 0;
  for (const std::string& w : Words(text)) most = std::max(most, DisplayWidth(w));
  return most;
}

// The first `n` characters (code points) of `text`.
std::string Prefix(const std::string& text, size_t n) {
  size_t i = 0;
  for (size_t k = 0; k < n && i < text.size(); ++k) {
    i += std::max<size_t>(1, Utf8SequenceLength(text, i));
  }
  return text.substr(0, std::min(i, text.size()));
}

}  // namespace

std::vector<std::string> WrapWords(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  for (const std::string& word : Words(text)) {
    if (!lines.empty() &&
        DisplayWidth(lines.back()) + 1 + DisplayWidth(word) <= width) {
      lines.back().append(" ").append(word);
    } else {
      lines.push_back(word);
    }
  }
  if (lines.empty()) lines.emplace_back();
  return lines;
}

std::string WrapText(const std::string& text, size_t width, size_t indent) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string para = text.substr(start, end - start);
    start = end + 1;
    if (para.empty()) {
      out += "\n";
      continue;
    }
    // Continuation lines are narrower by the indent.
    const std::vector<std::string> first = WrapWords(para, width);
    out += first[0] + "\n";
    if (first.size() == 1) continue;
    std::string rest;
    for (size_t i = 1; i < first.size(); ++i) {
      if (!rest.empty()) rest.push_back(' ');
      rest.append(first[i]);
    }
    const size_t narrower = width > indent ? width - indent : 1;
    for (const std::string& line : WrapWords(rest, narrower)) {
      out.append(indent, ' ');
      out += line + "\n";
    }
  }
  return out;
}

std::string CompactNumber(const std::string& text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(),
                   [](char c) { return (c >= '0' && c <= '9') || c == ','; })) {
    return text;
  }
  double value = 0;
  for (char c : text) {
    if (c != ',') value = value * 10 + (c - '0');
  }
  if (value < 10'000) return text;
  static const char kSuffix[] = {'K', 'M', 'B', 'T'};
  double scaled = value;
  for (char suffix : kSuffix) {
    scaled /= 1000;
    if (scaled < 999.5 || suffix == 'T') {
      char buf[32];
      const int decimals = scaled < 9.995 ? 2 : scaled < 99.95 ? 1 : 0;
      std::snprintf(buf, sizeof buf, "%.*f%c", decimals, scaled, suffix);
      return buf;
    }
  }
  return text;
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

size_t TextTable::Layout::Total() const {
  size_t sum = 0, shown = 0;
  for (size_t c = 0; c < widths.size(); ++c) {
    if (!visible[c]) continue;
    sum += widths[c];
    ++shown;
  }
  return sum + (shown > 0 ? 2 * (shown - 1) : 0);
}

std::string TextTable::Shown(size_t column, const std::string& cell,
                             const Layout& layout) const {
  const Fit fit = columns_[column].fit;
  if (fit == Fit::kNumber && layout.compact_numbers) return CompactNumber(cell);
  if (fit == Fit::kAbbreviate && layout.abbreviate && DisplayWidth(cell) > 9) {
    return Prefix(cell, 8) + "\xE2\x80\xA6";  // "…"
  }
  return cell;
}

// Steps: 0 as is; 1 titles wrap; 2 wrapping columns narrow; 3 numbers go
// compact; 4 ids shorten. Columns with drop_order >= drop_from (> 0) hide.
TextTable::Layout TextTable::TryLayout(int drop_from, int step,
                                       size_t width) const {
  Layout l;
  l.compact_numbers = step >= 3;
  l.abbreviate = step >= 4;
  l.visible.assign(columns_.size(), true);
  l.widths.assign(columns_.size(), 0);
  std::vector<size_t> least(columns_.size(), 0);  // Narrowest for a wrap.
  for (size_t c = 0; c < columns_.size(); ++c) {
    const Column& col = columns_[c];
    l.visible[c] = col.drop_order == 0 || col.drop_order < drop_from;
    const size_t title =
        step >= 1 ? LongestWord(col.title) : DisplayWidth(col.title);
    l.widths[c] = least[c] = title;
    for (const Row& r : rows_) {
      if (r.cells.empty()) continue;
      const std::string shown = Shown(c, r.cells[c], l);
      l.widths[c] = std::max(l.widths[c], DisplayWidth(shown));
      if (col.fit == Fit::kWrap) {
        least[c] = std::max(least[c], LongestWord(shown));
      }
    }
    if (col.fit != Fit::kWrap) least[c] = l.widths[c];
  }
  if (step >= 2) {
    // Narrow the widest wrapping column, a column at a time.
    while (l.Total() > width) {
      size_t widest = columns_.size();
      for (size_t c = 0; c < columns_.size(); ++c) {
        if (l.visible[c] && l.widths[c] > least[c] &&
            (widest == columns_.size() || l.widths[c] > l.widths[widest])) {
          widest = c;
        }
      }
      if (widest == columns_.size()) break;
      --l.widths[widest];
    }
    // A narrowed column is as wide as its longest wrapped line.
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (columns_[c].fit != Fit::kWrap) continue;
      size_t used = least[c];
      for (const Row& r : rows_) {
        if (r.cells.empty()) continue;
        for (const std::string& line : WrapWords(r.cells[c], l.widths[c])) {
          used = std::max(used, DisplayWidth(line));
        }
      }
      for (const std::string& line : WrapWords(columns_[c].title, l.widths[c])) {
        used = std::max(used, DisplayWidth(line));
      }
      l.widths[c] = std::min(l.widths[c], used);
    }
  }
  return l;
}

TextTable::Layout TextTable::Arrange(size_t width) const {
  int max_order = 0;
  for (const Column& c : columns_) max_order = std::max(max_order, c.drop_order);
  Layout last;
  for (int drop_from = max_order + 1; drop_from >= 1; --drop_from) {
    for (int step = 0; step <= 4; ++step) {
      last = TryLayout(drop_from, step, width);
      if (last.Total() <= width) return last;
    }
  }
  return last;
}

std::string TextTable::Render(size_t width, bool color) const {
  const Layout layout = Arrange(width);
  // A row's cells as lines: wrapping columns and titles over several.
  auto lines_of = [&](const std::vector<std::string>& cells, bool titles) {
    std::vector<std::vector<std::string>> lines(columns_.size());
    size_t height = 1;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!layout.visible[c]) continue;
      if (titles || columns_[c].fit == Fit::kWrap) {
        lines[c] = WrapWords(titles ? cells[c] : Shown(c, cells[c], layout),
                             layout.widths[c]);
      } else {
        lines[c] = {Shown(c, cells[c], layout)};
      }
      height = std::max(height, lines[c].size());
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < height; ++i) {
      std::string line;
      bool first = true;
      for (size_t c = 0; c < columns_.size(); ++c) {
        if (!layout.visible[c]) continue;
        if (!first) line += "  ";
        first = false;
        const std::string text = i < lines[c].size() ? lines[c][i] : "";
        const size_t w = layout.widths[c];
        const size_t pad = w - std::min(w, DisplayWidth(text));
        if (columns_[c].right) line.append(pad, ' ');
        line += text;
        if (!columns_[c].right) line.append(pad, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out.push_back(std::move(line));
    }
    return out;
  };
  auto styled = [color](const std::string& text, Style s) {
    if (!color || s == Style::kNormal) return text + "\n";
    return std::string(s == Style::kBold ? "\033[1m" : "\033[2m") + text +
           "\033[0m\n";
  };
  std::vector<std::string> titles;
  for (const Column& c : columns_) titles.push_back(c.title);
  std::string out;
  for (const std::string& l : lines_of(titles, true)) {
    out += styled(l, Style::kBold);
  }
  const std::string rule(layout.Total(), '-');
  out += styled(rule, Style::kDim);
  for (const Row& r : rows_) {
    if (r.cells.empty()) {
      out += styled(rule, Style::kDim);
      continue;
    }
    for (const std::string& l : lines_of(r.cells, false)) {
      out += styled(l, r.style);
    }
  }
  return out;
}

}  // namespace cc
