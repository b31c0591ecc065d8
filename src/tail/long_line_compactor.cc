#include "tail/long_line_compactor.h"

#include <algorithm>
#include <cstring>

namespace cc {

void LongLineCompactor::Reset() {
  output_.clear();
  current_string_.clear();
  in_string_ = escaped_ = string_elided_ = overflowed_ = false;
}

void LongLineCompactor::Emit(char c) {
  if (output_.size() >= max_output_bytes_) {
    overflowed_ = true;
    return;
  }
  output_.push_back(c);
}

void LongLineCompactor::FeedStringByte(char c) {
  if (escaped_) {
    escaped_ = false;
  } else if (c == '\\') {
    escaped_ = true;
  } else if (c == '"') {
    // The string closes: keep it whole, or as "" if it was elided.
    in_string_ = false;
    if (!string_elided_) {
      for (char s : current_string_) Emit(s);
    }
    Emit('"');
    current_string_.clear();
    string_elided_ = false;
    return;
  }
  if (string_elided_) return;
  current_string_.push_back(c);
  if (current_string_.size() > kMaxKeptString) {
    string_elided_ = true;
    current_string_.clear();
  }
}

// Inside an elided string only a quote or a backslash matters; find the
// next one with memchr (vectorised) instead of looking at every byte. Both
// searches stay within a small window so that each costs at most what it
// skips plus the window: backslash-dense text (escaped newlines, or hostile
// runs of backslashes) stays linear.
size_t LongLineCompactor::SkipElided(std::string_view bytes, size_t pos) {
  constexpr size_t kWindow = 4096;
  const char* begin = bytes.data() + pos;
  size_t limit = std::min(bytes.size() - pos, kWindow);
  if (const void* slash = std::memchr(begin, '\\', limit)) {
    limit = static_cast<size_t>(static_cast<const char*>(slash) - begin);
  }
  if (const void* quote = std::memchr(begin, '"', limit)) {
    limit = static_cast<size_t>(static_cast<const char*>(quote) - begin);
  }
  return pos + limit;
}

void LongLineCompactor::Feed(std::string_view bytes) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (in_string_ && string_elided_ && !escaped_) {
      pos = SkipElided(bytes, pos);
      if (pos == bytes.size()) break;
      if (bytes[pos] != '"' && bytes[pos] != '\\') continue;  // Window end.
    }
    char c = bytes[pos++];
    if (in_string_) {
      FeedStringByte(c);
    } else {
      Emit(c);
      if (c == '"') in_string_ = true;
    }
  }
}

}  // namespace cc
