#include "tail/long_line_compactor.h"

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
// next one with memchr (vectorised) instead of looking at every byte.
size_t LongLineCompactor::SkipElided(std::string_view bytes, size_t pos) {
  const char* begin = bytes.data() + pos;
  size_t n = bytes.size() - pos;
  const void* quote = std::memchr(begin, '"', n);
  size_t limit = quote ? static_cast<size_t>(static_cast<const char*>(quote) -
                                             begin)
                       : n;
  const void* slash = std::memchr(begin, '\\', limit);
  if (slash) limit = static_cast<size_t>(static_cast<const char*>(slash) - begin);
  return pos + limit;
}

void LongLineCompactor::Feed(std::string_view bytes) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (in_string_ && string_elided_ && !escaped_) {
      pos = SkipElided(bytes, pos);
      if (pos == bytes.size()) break;
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
