// JsonWriter's output is valid UTF-8 JSON whatever bytes it is given:
// controls escaped, invalid UTF-8 replaced by U+FFFD. Checked with
// simdjson's parser (strict JSON and UTF-8) and a strict UTF-8 check of
// our own.
#include "core/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace cc {
namespace {

// Strict UTF-8 (RFC 3629): shortest forms, no surrogates, <= U+10FFFF.
bool StrictUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2
             : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((b(i + k) & 0xC0) != 0x80) return false;
    }
    if (c == 0xE0 && b(i + 1) < 0xA0) return false;  // Overlong.
    if (c == 0xED && b(i + 1) > 0x9F) return false;  // Surrogate.
    if (c == 0xF0 && b(i + 1) < 0x90) return false;  // Overlong.
    if (c == 0xF4 && b(i + 1) > 0x8F) return false;  // > U+10FFFF.
    i += n;
  }
  return true;
}

// The string value `in` becomes after writing and parsing it back.
std::string RoundTrip(const std::string& in) {
  JsonWriter w(false);
  w.BeginObject().Field("v", in).EndObject();
  const std::string json = w.Finish();
  EXPECT_TRUE(StrictUtf8(json)) << json;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  std::string_view v;
  EXPECT_EQ(doc["v"].get(v), simdjson::SUCCESS) << json;
  return std::string(v);
}

const std::string kFffd = "\xEF\xBF\xBD";

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(RoundTrip("a\xff" "b"), "a" + kFffd + "b");
  EXPECT_EQ(RoundTrip("\xC0\xAF"), kFffd + kFffd);            // Overlong.
  EXPECT_EQ(RoundTrip("\xE0\x80\xAF"), kFffd + kFffd + kFffd);  // Overlong.
  EXPECT_EQ(RoundTrip("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // Surrogate.
  EXPECT_EQ(RoundTrip("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);
  EXPECT_EQ(RoundTrip("x\xE6\x97"), "x" + kFffd + kFffd);  // Cut short.
  EXPECT_EQ(RoundTrip("\xE6\x97" "a"), kFffd + kFffd + "a");
  EXPECT_EQ(RoundTrip("\x80\xBF"), kFffd + kFffd);  // Lone continuations.
}

TEST(JsonWriter, EscapesEveryControlCharacter) {
  JsonWriter w(false);
  w.String("\x1b[2J\x1b]52;c;eA==\x07\r\n\t\x7f\xC2\x9B");
  EXPECT_EQ(w.Finish(),
            "\"\\u001b[2J\\u001b]52;c;eA==\\u0007\\r\\n\\t\\u007f\\u009b\"\n");
  EXPECT_EQ(RoundTrip(std::string("\0\x1f", 2)), std::string("\0\x1f", 2));
  EXPECT_EQ(RoundTrip("\xC2\x80\xC2\x9F"), "\xC2\x80\xC2\x9F");
}

TEST(JsonWriter, KeysAreEscapedLikeValues) {
  JsonWriter w(false);
  w.BeginObject().Field("k\xff\x1b", "v").EndObject();
  EXPECT_EQ(w.Finish(), "{\"k" + kFffd + "\\u001b\":\"v\"}\n");
}

TEST(JsonWriter, ValidUtf8PassesUnchanged) {
  for (const std::string s :
       {"caf\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x9A\x80",
        "\xC2\xA0", "\xEF\xBF\xBD", "\xF4\x8F\xBF\xBF", "quote\" back\\"}) {
    EXPECT_EQ(RoundTrip(s), s);
  }
  EXPECT_EQ(JsonEscape("\xE6\x97\xA5\xE6\x9C\xAC"),
            "\"\xE6\x97\xA5\xE6\x9C\xAC\"");
}

}  // namespace
}  // namespace cc
