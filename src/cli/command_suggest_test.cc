#include "cli/command_suggest.h"

#include <gtest/gtest.h>

namespace cc::cli {
namespace {

using Paths = std::vector<std::string>;
const Paths kPaths = {"report daily", "report weekly", "report session",
                      "bridge sync",  "bridge backfill", "run", "dashboard"};

TEST(SuggestCommands, ACcusageNameIsTheCommandEndingInIt) {
  EXPECT_EQ(SuggestCommands("daily", kPaths), Paths{"report daily"});
  EXPECT_EQ(SuggestCommands("sync", kPaths), Paths{"bridge sync"});
}

TEST(SuggestCommands, ATypoIsWithinTwoEdits) {
  EXPECT_EQ(SuggestCommands("reprot", kPaths), Paths{"report"});
  EXPECT_EQ(SuggestCommands("dashbord", kPaths), Paths{"dashboard"});
  EXPECT_EQ(SuggestCommands("report dialy", kPaths), Paths{"report daily"});
}

TEST(SuggestCommands, NothingCloseSuggestsNothing) {
  EXPECT_TRUE(SuggestCommands("frobnicate", kPaths).empty());
  EXPECT_TRUE(SuggestCommands("", kPaths).empty());
}

}  // namespace
}  // namespace cc::cli
