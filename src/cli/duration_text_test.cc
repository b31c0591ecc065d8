#include "cli/duration_text.h"

#include <gtest/gtest.h>

namespace cc::cli {
namespace {

TEST(DurationText, TwoUnitsAtMostTheLargerFirst) {
  EXPECT_EQ(DurationText(0), "0 s");
  EXPECT_EQ(DurationText(3'000), "3 s");
  EXPECT_EQ(DurationText(3'400), "3.4 s");
  EXPECT_EQ(DurationText(45'000), "45 s");
  EXPECT_EQ(DurationText(60'000), "1 min");
  EXPECT_EQ(DurationText(12 * 60'000 + 5'000), "12 min 5 s");
  EXPECT_EQ(DurationText(3 * 3'600'000 + 5 * 60'000 + 59'000), "3 h 5 min");
  EXPECT_EQ(DurationText(2 * 86'400'000 + 4 * 3'600'000), "2 d 4 h");
  EXPECT_EQ(DurationText(-5), "0 s");
}

}  // namespace
}  // namespace cc::cli
