// JsonWriter: builds compact or indented JSON text; escapes strings per
// RFC 8259. The text is valid UTF-8 whatever bytes it is given: control
// characters (C0, DEL, C1) are written as \u00XX escapes, bytes that are not
// UTF-8 (core/utf8.h: stray, overlong, surrogate, cut short) as U+FFFD each.
// No I/O. Callers are responsible for well-formed nesting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cc {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);
  // A number already formatted as JSON (e.g. exact decimal dollars).
  JsonWriter& Number(std::string_view json_number);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // Key + value shorthands.
  JsonWriter& Field(std::string_view key, std::string_view value) {
    return Key(key).String(value);
  }
  JsonWriter& Field(std::string_view key, const char* value) {
    return Key(key).String(value);
  }
  JsonWriter& Field(std::string_view key, uint64_t value) {
    return Key(key).Uint(value);
  }
  JsonWriter& Field(std::string_view key, int64_t value) {
    return Key(key).Int(value);
  }
  JsonWriter& Field(std::string_view key, bool value) {
    return Key(key).Bool(value);
  }

  // The text so far, with a final newline.
  std::string Finish() const { return out_ + "\n"; }

 private:
  void BeforeValue();
  void Newline();
  void Open(char c);
  void Close(char c);

  bool pretty_;
  std::string out_;
  std::vector<bool> has_items_;  // Per open container.
  bool after_key_ = false;
};

std::string JsonEscape(std::string_view text);
// Appends `text` as a quoted, escaped JSON string (valid UTF-8, as above).
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace cc
