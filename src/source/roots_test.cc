#include "source/roots.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cc {
namespace {

TEST(Roots, FlagsWinOverTheEnvironment) {
  RootsInput in{{"/a", "/b/"}, "/env", "/home/u"};
  EXPECT_EQ(ResolveRoots(in), (std::vector<std::string>{"/a", "/b"}));
}

TEST(Roots, EnvironmentIsACommaSeparatedList) {
  RootsInput in{{}, " /x , /y,,/x ", "/home/u"};
  EXPECT_EQ(ResolveRoots(in), (std::vector<std::string>{"/x", "/y"}));
}

TEST(Roots, RelativeDirectoriesBecomeAbsolute) {
  RootsInput in{{"rel/./dir"}, std::nullopt, std::nullopt};
  std::vector<std::string> roots = ResolveRoots(in);
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_EQ(roots[0], (std::filesystem::current_path() / "rel/dir").string());
}

TEST(Roots, DefaultsToBothConfigLocations) {
  RootsInput in{{}, std::nullopt, "/home/u"};
  EXPECT_EQ(ResolveRoots(in), (std::vector<std::string>{
                                  "/home/u/.config/claude", "/home/u/.claude"}));
}

}  // namespace
}  // namespace cc
