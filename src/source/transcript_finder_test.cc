#include "source/transcript_finder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "test_util.h"

namespace cc {
namespace {

namespace fs = std::filesystem;

TEST(TranscriptFinder, FindsSessionsAndSubagentsWithTheirProject) {
  test::TempDir dir;
  test::WriteFile(dir.Join("projects/-home-a/s1.jsonl"), "{}\n");
  test::WriteFile(dir.Join("projects/-home-a/s1/subagents/agent-x.jsonl"), "{}\n");
  test::WriteFile(dir.Join("projects/-home-b/s2.jsonl"), "{}\n");
  test::WriteFile(dir.Join("projects/-home-b/notes.txt"), "not a transcript");
  ScanResult r = FindTranscripts({dir.path()});
  ASSERT_EQ(r.files.size(), 3u);
  EXPECT_EQ(r.files[0].project, "-home-a");
  EXPECT_EQ(r.files[1].path, dir.Join("projects/-home-a/s1/subagents/agent-x.jsonl"));
  EXPECT_EQ(r.files[1].project, "-home-a");
  EXPECT_EQ(r.files[2].project, "-home-b");
  EXPECT_EQ(r.files[2].identity.size_bytes, 3u);
  EXPECT_TRUE(r.problems.empty());
}

TEST(TranscriptFinder, SymlinkLoopsAreWalkedOnce) {
  test::TempDir dir;
  test::WriteFile(dir.Join("projects/-p/s.jsonl"), "{}\n");
  fs::create_directory_symlink(".", dir.Join("projects/-p/self"));
  fs::create_directory_symlink("..", dir.Join("projects/-p/parent"));
  fs::create_directory_symlink("-p", dir.Join("projects/-alias"));
  ScanResult r = FindTranscripts({dir.path()});
  ASSERT_EQ(r.files.size(), 1u);
}

TEST(TranscriptFinder, ACachedListingNeverHidesAChange) {
  test::TempDir dir;
  test::WriteFile(dir.Join("projects/-p/s1.jsonl"), "{}\n");
  test::WriteFile(dir.Join("projects/-p/s1/subagents/agent-1.jsonl"), "{}\n");
  // A listing is only trusted once its directory's last change (ctime,
  // which cannot be set) is over a second old: let it age, so the scans
  // below really run from the cache.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ScanCache cache;
  EXPECT_EQ(FindTranscripts({dir.path()}, &cache).files.size(), 2u);
  EXPECT_EQ(FindTranscripts({dir.path()}, &cache).files.size(), 2u);
  // Added, appended, deleted: each is seen through the cache.
  test::WriteFile(dir.Join("projects/-p/s2.jsonl"), "{}\n");
  test::AppendFile(dir.Join("projects/-p/s1/subagents/agent-1.jsonl"), "{}\n");
  ScanResult r = FindTranscripts({dir.path()}, &cache);
  ASSERT_EQ(r.files.size(), 3u);
  EXPECT_EQ(r.files[1].identity.size_bytes, 6u);  // agent-1.jsonl, grown.
  fs::remove(dir.Join("projects/-p/s1.jsonl"));
  EXPECT_EQ(FindTranscripts({dir.path()}, &cache).files.size(), 2u);
  fs::remove_all(dir.Join("projects/-p"));
  EXPECT_EQ(FindTranscripts({dir.path()}, &cache).files.size(), 0u);
}

TEST(TranscriptFinder, MissingRootsAreReportedNotFatal) {
  test::TempDir dir;
  test::WriteFile(dir.Join("real/projects/-p/s.jsonl"), "{}\n");
  ScanResult r = FindTranscripts({dir.Join("nope"), dir.Join("real"),
                                  dir.Join("real")});
  EXPECT_EQ(r.files.size(), 1u);  // The same root twice reads it once.
  ASSERT_GE(r.problems.size(), 1u);
  EXPECT_TRUE(r.problems[0].root_missing);
  EXPECT_EQ(r.scanned_roots.size(), 2u);
}

}  // namespace
}  // namespace cc
