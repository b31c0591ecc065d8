#include "core/project_folder.h"

#include "core/utf8.h"

namespace cc {

std::string EncodeProjectPath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size();) {
    const char c = path[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9')) {
      out.push_back(c);
      ++i;
      continue;
    }
    const size_t n = Utf8SequenceLength(path, i);
    out.append(n == 4 ? 2 : 1, '-');
    i += n == 0 ? 1 : n;
  }
  return out;
}

}  // namespace cc
