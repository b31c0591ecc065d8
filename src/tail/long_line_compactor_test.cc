#include "tail/long_line_compactor.h"

#include <gtest/gtest.h>

#include <string>

namespace cc {
namespace {

std::string Compact(const std::string& in, size_t chunk, size_t limit = 1 << 20) {
  LongLineCompactor c(limit);
  for (size_t i = 0; i < in.size(); i += chunk) c.Feed(in.substr(i, chunk));
  return c.overflowed() ? "<overflow>" : c.output();
}

TEST(LongLineCompactor, KeepsShortStringsAndStructure) {
  std::string in = R"({"a":"b","n":[1,2,{"k":null}],"t":true})";
  for (size_t chunk : {1u, 3u, 1000u}) EXPECT_EQ(Compact(in, chunk), in);
}

TEST(LongLineCompactor, EmptiesLongStringsWhateverTheChunking) {
  std::string long_text(LongLineCompactor::kMaxKeptString + 1, 'z');
  std::string in = R"({"big":")" + long_text + R"(","usage":{"output_tokens":5}})";
  for (size_t chunk : {1u, 7u, 4096u, 100000u}) {
    EXPECT_EQ(Compact(in, chunk), R"({"big":"","usage":{"output_tokens":5}})")
        << chunk;
  }
}

TEST(LongLineCompactor, EscapedQuotesDoNotEndAString) {
  std::string long_text(LongLineCompactor::kMaxKeptString, 'q');
  std::string in = R"({"s":")" + long_text + R"(\"usage\":{\\\"x\"","k":1})";
  for (size_t chunk : {1u, 2u, 5u, 9999u}) {
    EXPECT_EQ(Compact(in, chunk), R"({"s":"","k":1})") << chunk;
  }
  std::string short_escape = R"({"s":"a\\","k":"\""})";
  EXPECT_EQ(Compact(short_escape, 1), short_escape);
}

TEST(LongLineCompactor, OverflowsWhenStructureItselfIsHuge) {
  std::string in = "[";
  for (int i = 0; i < 1000; ++i) in += "1,";
  in += "1]";
  EXPECT_EQ(Compact(in, 64, 100), "<overflow>");
}

}  // namespace
}  // namespace cc

namespace cc {
namespace {

TEST(LongLineCompactor, BackslashRunsStayLinear) {
  // 4 MB of backslash pairs inside one string: quadratic scanning would
  // take minutes; linear takes milliseconds.
  std::string in = R"({"usage":")" + std::string(4'000'000, '\\') + R"(","k":1})";
  LongLineCompactor c(1 << 20);
  for (size_t i = 0; i < in.size(); i += 1 << 20) {
    c.Feed(std::string_view(in).substr(i, 1 << 20));
  }
  EXPECT_EQ(c.output(), R"({"usage":"","k":1})");
}

}  // namespace
}  // namespace cc
