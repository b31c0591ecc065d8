// UTF-8 as the program accepts it: shortest forms of scalar values only.
#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace cc {
namespace {

TEST(Utf8Prefix, CutsOnACharacterBoundary) {
  const std::string s = "ab\xE6\x97\xA5\xE6\x9C\xAC";  // ab日本
  EXPECT_EQ(Utf8Prefix(s, 2), "ab");
  EXPECT_EQ(Utf8Prefix(s, 3), "ab");
  EXPECT_EQ(Utf8Prefix(s, 4), "ab");
  EXPECT_EQ(Utf8Prefix(s, 5), "ab\xE6\x97\xA5");
  EXPECT_EQ(Utf8Prefix(s, 7), "ab\xE6\x97\xA5");
  EXPECT_EQ(Utf8Prefix(s, 100), s);
  // Invalid bytes are single bytes: a cut may fall after any of them.
  EXPECT_EQ(Utf8Prefix("a\xff\xff", 2), "a\xff");
}

TEST(Utf8SequenceLength, AcceptsOnlyShortestFormsOfScalarValues) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9", 0), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xEF\xBF\xBD", 0), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xF4\x8F\xBF\xBF", 0), 4u);  // U+10FFFF.
  EXPECT_EQ(Utf8SequenceLength("\xC1\xBF", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xE0\x9F\xBF", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x8F\xBF\xBF", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xED\xBF\xBF", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xF5\x80\x80\x80", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\x80", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xE6\x97", 0), 0u);
}

}  // namespace
}  // namespace cc
