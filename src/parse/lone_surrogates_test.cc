#include "parse/lone_surrogates.h"

#include <gtest/gtest.h>

namespace cc {
namespace {

TEST(LoneSurrogates, ReplacesOnlyUnpairedEscapes) {
  EXPECT_EQ(ReplaceLoneSurrogates(R"({"t":"cut \ud83d"})"),
            R"({"t":"cut \uFFFD"})");
  EXPECT_EQ(ReplaceLoneSurrogates(R"({"t":"x\udc00y"})"), R"({"t":"x\uFFFDy"})");
  EXPECT_EQ(ReplaceLoneSurrogates(R"({"t":"\ud83d\ud83d\ude00"})"),
            R"({"t":"\uFFFD\ud83d\ude00"})");
}

TEST(LoneSurrogates, LeavesValidTextAlone) {
  EXPECT_EQ(ReplaceLoneSurrogates(R"({"t":"\ud83d\ude00 ok \u00e9"})"),
            std::nullopt);
  // An escaped backslash followed by "ud83d" is text, not an escape.
  EXPECT_EQ(ReplaceLoneSurrogates(R"({"t":"\\ud83d"})"), std::nullopt);
  // Outside strings nothing is touched.
  EXPECT_EQ(ReplaceLoneSurrogates(R"({"ud83d":1})"), std::nullopt);
}

}  // namespace
}  // namespace cc
