// LedgerReader::ProjectCwds: where each project's sessions started, read
// without a pass over the events.
#include <gtest/gtest.h>

#include "ledger/ledger_reader.h"
#include "ledger/ledger_writer.h"
#include "test_util.h"

namespace cc {
namespace {

Event At(const std::string& key, int64_t ts, const std::string& project,
         const std::string& session, const std::string& cwd) {
  Event e;
  e.key = key;
  e.tokens.output = 1;
  e.attributes.model = "m";
  e.attributes.project = project;
  e.attributes.session_id = session;
  e.attributes.cwd = cwd;
  e.first = Provenance{ts, "/" + session + ".jsonl", static_cast<uint64_t>(ts)};
  return e;
}

std::vector<ProjectCwd> CwdsOf(const std::vector<Event>& events) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  {
    Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(path, "test");
    EXPECT_TRUE(w.ok()) << w.status().message();
    Batch b;
    b.events = events;
    Result<CommitStats> s = (*w)->Commit(b, "host", 1);
    EXPECT_TRUE(s.ok()) << s.status().message();
  }
  Result<std::unique_ptr<LedgerReader>> r = LedgerReader::Open(path);
  EXPECT_TRUE(r.ok());
  Result<std::vector<ProjectCwd>> cwds = (*r)->ProjectCwds();
  EXPECT_TRUE(cwds.ok()) << cwds.status().message();
  return cwds.ok() ? *cwds : std::vector<ProjectCwd>{};
}

TEST(ProjectCwds, ReadsSessionsUntilOneStartedInTheProjectsFolder) {
  std::vector<ProjectCwd> cwds = CwdsOf({
      // s1 started in a sub-directory (a later request in the root does
      // not count: only each session's first is read); s2 in the root.
      At("a", 1000, "-home-ann-p", "s1", "/home/ann/p/src"),
      At("b", 2000, "-home-ann-p", "s1", "/home/ann/p"),
      At("c", 3000, "-home-ann-p", "s2", "/home/ann/p"),
      At("d", 500, "-home-ann-p", "s3", "/home/ann/elsewhere"),  // Not read.
      // A worktree: no session in the folder's directory.
      At("e", 1000, "-home-ann-q", "w1", "/home/ann/q-wt"),
      // No cwd recorded.
      At("f", 1000, "-x", "n1", "")});
  ASSERT_EQ(cwds.size(), 4u);
  EXPECT_EQ(cwds[0].project, "-home-ann-p");
  EXPECT_EQ(cwds[0].cwd, "/home/ann/p/src");
  EXPECT_EQ(cwds[0].first_ms, 1000);
  EXPECT_EQ(cwds[1].cwd, "/home/ann/p");
  EXPECT_EQ(cwds[1].first_ms, 3000);
  EXPECT_EQ(cwds[2].project, "-home-ann-q");
  EXPECT_EQ(cwds[2].cwd, "/home/ann/q-wt");
  EXPECT_EQ(cwds[3].project, "-x");
  EXPECT_EQ(cwds[3].cwd, "");
}

}  // namespace
}  // namespace cc
