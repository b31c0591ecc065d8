#include "clickhouse/tab_separated.h"

namespace cc {

std::vector<std::string> TsvFields(std::string_view line) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      out.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      const char n = line[++i];
      out.back().push_back(n == 't'   ? '\t'
                           : n == 'n' ? '\n'
                           : n == '0' ? '\0'
                                      : n);
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

}  // namespace cc
