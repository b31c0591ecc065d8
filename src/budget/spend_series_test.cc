#include "budget/spend_series.h"

#include <gtest/gtest.h>

namespace cc {
namespace {

SpendSums S(int64_t cost, uint64_t tokens) { return SpendSums{cost, tokens}; }

int64_t Cost(const SpendSeries& s, int64_t first, int64_t end) {
  return s.Range(first, end).cost_nano;
}

TEST(SpendSeries, RangesOverAppendedQuarterHours) {
  SpendSeries s;
  s.Append(10, S(1, 100));
  s.Append(10, S(2, 200));  // The same quarter hour again.
  s.Append(12, S(4, 400));
  s.Append(15, S(8, 800));
  EXPECT_EQ(Cost(s, 0, 100), 15);
  EXPECT_EQ(s.Range(0, 100).tokens, 1500u);
  EXPECT_EQ(Cost(s, 10, 11), 3);
  EXPECT_EQ(Cost(s, 11, 15), 4);   // End excluded.
  EXPECT_EQ(Cost(s, 12, 16), 12);
  EXPECT_EQ(Cost(s, 16, 20), 0);
  EXPECT_EQ(Cost(s, 13, 12), 0);
}

TEST(SpendSeries, SetReplacesInsertsAndRemovesAnywhere) {
  SpendSeries s;
  s.Append(10, S(1, 0));
  s.Append(12, S(4, 0));
  s.Append(15, S(8, 0));
  s.Set(15, S(9, 0));   // The latest (a commit's usual change).
  s.Set(11, S(2, 0));   // A new one in the middle.
  s.Set(12, S(0, 0));   // Emptied: gone.
  EXPECT_EQ(Cost(s, 0, 100), 12);
  EXPECT_EQ(Cost(s, 11, 15), 2);
  EXPECT_EQ(Cost(s, 15, 16), 9);
  s.Set(20, S(0, 0));   // Nothing there, nothing to do.
  EXPECT_EQ(Cost(s, 0, 100), 12);
}

TEST(SpendSeries, DroppingTheOldKeepsTheRangesRight) {
  SpendSeries s;
  for (int64_t b = 0; b < 10; ++b) s.Append(b, S(b, 0));
  s.DropBefore(5);
  EXPECT_EQ(Cost(s, 0, 100), 5 + 6 + 7 + 8 + 9);
  EXPECT_EQ(Cost(s, 6, 8), 13);
  s.Set(7, S(100, 0));
  EXPECT_EQ(Cost(s, 6, 8), 106);
  s.Set(5, S(0, 0));  // Its first one removed: the rest still right.
  EXPECT_EQ(Cost(s, 0, 100), 6 + 100 + 8 + 9);
}

}  // namespace
}  // namespace cc
