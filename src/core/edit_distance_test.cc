#include "core/edit_distance.h"

#include <gtest/gtest.h>

namespace cc {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndReplacements) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("spotter", "spotter"), 0u);
  EXPECT_EQ(EditDistance("spoter", "spotter"), 1u);    // Insert.
  EXPECT_EQ(EditDistance("spotterr", "spotter"), 1u);  // Delete.
  EXPECT_EQ(EditDistance("reprot", "report"), 2u);     // Two replacements.
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace cc
