// Project names as shown and as given to --project.
#include "report/project_names.h"

#include <gtest/gtest.h>

namespace cc {
namespace {

ProjectCwd Cwd(std::string project, std::string cwd, uint64_t events = 1,
               int64_t first_ms = 0) {
  return ProjectCwd{std::move(project), std::move(cwd), events, first_ms};
}

// Two projects named "spotter" in different parents, one with a dot in
// its path, one that recorded no cwd.
ProjectNames Sample(const ProjectAliases& aliases = {}) {
  return ProjectNames(
      {Cwd("-home-ann-projects-spotter", "/home/ann/projects/spotter"),
       Cwd("-home-ann-work-spotter", "/home/ann/work/spotter"),
       Cwd("-home-ann-my-app", "/home/ann/my.app"),
       Cwd("-srv-build", "/srv/build"),
       Cwd("-home-ann-old-thing", "")},
      "/home/ann", aliases);
}

TEST(ProjectNames, EncodesAsClaudeCodeDoes) {
  EXPECT_EQ(EncodeProjectPath("/home/ann/my.app"), "-home-ann-my-app");
  EXPECT_EQ(EncodeProjectPath("/a/b_c d"), "-a-b-c-d");
  EXPECT_EQ(EncodeProjectPath("/x/caf\xc3\xa9"), "-x-caf-");
  EXPECT_EQ(EncodeProjectPath("/x/\xf0\x9f\x98\x80"), "-x---");  // Two code units.
}

TEST(ProjectNames, ShowsTheRealPathUnderHomeAsTilde) {
  ProjectNames n = Sample();
  EXPECT_EQ(n.Path("-home-ann-my-app"), "/home/ann/my.app");
  EXPECT_EQ(n.Display("-home-ann-my-app"), "~/my.app");
  EXPECT_EQ(n.Short("-home-ann-my-app"), "my.app");
  EXPECT_EQ(n.Display("-srv-build"), "/srv/build");
  EXPECT_EQ(n.Short("-srv-build"), "build");
}

TEST(ProjectNames, FallsBackToTheFolderWhenNoCwdIsKnown) {
  ProjectNames n = Sample();
  EXPECT_EQ(n.Display("-home-ann-old-thing"), "-home-ann-old-thing");
  EXPECT_EQ(n.Short("-home-ann-old-thing"), "-home-ann-old-thing");
  EXPECT_EQ(n.Display("-never-seen"), "-never-seen");
  EXPECT_EQ(ProjectNames().Display("-a-b"), "-a-b");
}

TEST(ProjectNames, PrefersTheStartDirectoryOverSubdirectoriesAndWorktrees) {
  // More events in a sub-directory, and an earlier worktree: the folder
  // is the start directory's encoding, so that one is the project's path.
  ProjectNames n({Cwd("-home-ann-p", "/home/ann/p/src", 50, 1),
                  Cwd("-home-ann-p", "/home/ann/p", 3, 5),
                  Cwd("-home-ann-p", "", 1, 0)},
                 "/home/ann");
  EXPECT_EQ(n.Path("-home-ann-p"), "/home/ann/p");
  // None encodes to the folder (a long name Claude Code cut, say): the
  // earliest.
  ProjectNames m({Cwd("-cut", "/b", 9, 7), Cwd("-cut", "/a", 1, 3)}, "");
  EXPECT_EQ(m.Path("-cut"), "/a");
}

TEST(ProjectNames, ResolvesTheFolderThePathAndTheName) {
  ProjectNames n = Sample();
  EXPECT_EQ(*n.Resolve("-home-ann-my-app"), "-home-ann-my-app");
  EXPECT_EQ(*n.Resolve("/home/ann/my.app"), "-home-ann-my-app");
  EXPECT_EQ(*n.Resolve("/home/ann/my.app/"), "-home-ann-my-app");
  EXPECT_EQ(*n.Resolve("~/my.app"), "-home-ann-my-app");
  EXPECT_EQ(*n.Resolve("my.app"), "-home-ann-my-app");
  EXPECT_EQ(*n.Resolve("build"), "-srv-build");
  // No cwd recorded: the name and the path still find the folder.
  EXPECT_EQ(*n.Resolve("thing"), "-home-ann-old-thing");
  EXPECT_EQ(*n.Resolve("~/old/thing"), "-home-ann-old-thing");
}

TEST(ProjectNames, AnAmbiguousNameListsTheCandidatesAsPaths) {
  Result<std::string> r = Sample().Resolve("spotter");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "'spotter' names 2 projects: ~/projects/spotter, ~/work/spotter "
            "(give the path)");
  EXPECT_EQ(*Sample().Resolve("~/work/spotter"), "-home-ann-work-spotter");
}

TEST(ProjectNames, AnUnknownNameSuggestsCloseOnes) {
  Result<std::string> r = Sample().Resolve("spoter");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "no project 'spoter' in the ledger; did you mean "
            "~/projects/spotter, ~/work/spotter?");
  r = Sample().Resolve("APP");  // A substring, case aside.
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("did you mean ~/my.app?"),
            std::string::npos);
  r = Sample().Resolve("zzzzzzzzzzzz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "no project 'zzzzzzzzzzzz' in the ledger (5 projects; "
            "`context-cleaner report session` lists them)");
  r = Sample().Resolve("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "expected a project's name, path, alias or folder, got ''");
  r = ProjectNames().Resolve("x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "no project 'x' in the ledger (it holds no usage yet)");
}

TEST(ProjectNames, AnAliasReplacesTheNameAndIsAcceptedByProject) {
  ProjectNames n = Sample({{"my.app", "My App"},
                           {"/home/ann/work/spotter", "Spotter (work)"},
                           {"not-here", "Nothing"}});
  EXPECT_EQ(n.Display("-home-ann-my-app"), "My App");
  EXPECT_EQ(n.Short("-home-ann-my-app"), "My App");
  EXPECT_EQ(n.Display("-home-ann-work-spotter"), "Spotter (work)");
  EXPECT_EQ(*n.Resolve("My App"), "-home-ann-my-app");
  EXPECT_EQ(*n.Resolve("Spotter (work)"), "-home-ann-work-spotter");
  // The path and the name still work; the ambiguity lists real paths.
  EXPECT_EQ(*n.Resolve("/home/ann/my.app"), "-home-ann-my-app");
  Result<std::string> r = n.Resolve("spotter");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("~/work/spotter"), std::string::npos);
  EXPECT_FALSE(n.Resolve("Nothing").ok());
}

TEST(ProjectNames, ParsesCcusagesAliasList) {
  Result<ProjectAliases> a =
      ParseProjectAliases(" spotter = Spotter ,, /home/u/x=X,");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0], (std::pair<std::string, std::string>("spotter", "Spotter")));
  EXPECT_EQ((*a)[1], (std::pair<std::string, std::string>("/home/u/x", "X")));
  EXPECT_TRUE(ParseProjectAliases("").ok());
  Result<ProjectAliases> bad = ParseProjectAliases("a=A,b");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "expected name-or-path=Alias pairs separated by commas, got 'b'");
  EXPECT_FALSE(ParseProjectAliases("=A").ok());
  EXPECT_FALSE(ParseProjectAliases("a=").ok());
}

}  // namespace
}  // namespace cc
