// LongLineCompactor: streams a JSON line too long to hold in memory and keeps
// a small, still-valid JSON text with the same structure.
//
// Strings longer than kMaxKeptString bytes (tool output, file contents) are
// replaced by "" as they stream past; every other byte is kept. The usage
// fields of a transcript line are short strings and numbers, so they survive.
// If the compacted text itself grows beyond `max_output_bytes`, the line is
// marked overflowed and its owner rejects it ("line too complex").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cc {

class LongLineCompactor {
 public:
  static constexpr size_t kMaxKeptString = 4096;

  explicit LongLineCompactor(size_t max_output_bytes)
      : max_output_bytes_(max_output_bytes) {}

  // Feeds the next bytes of the line (no '\n' among them).
  void Feed(std::string_view bytes);

  // The compacted line so far; valid JSON if the input was.
  const std::string& output() const { return output_; }
  bool overflowed() const { return overflowed_; }

  void Reset();

 private:
  void Emit(char c);
  void FeedStringByte(char c);
  size_t SkipElided(std::string_view bytes, size_t pos);

  size_t max_output_bytes_;
  std::string output_;
  std::string current_string_;  // Bytes of the open string, while short.
  bool in_string_ = false;
  bool escaped_ = false;        // The previous string byte was a backslash.
  bool string_elided_ = false;  // The open string grew past kMaxKeptString.
  bool overflowed_ = false;
};

}  // namespace cc
