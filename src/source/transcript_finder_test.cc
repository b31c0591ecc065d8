#include "source/transcript_finder.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <time.h>

#include <algorithm>
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

// Until the coarse clock that stamps files has moved past `path`'s last
// change, so the next change to it gets a new timestamp (a few ms).
void WaitForTheNextTimestampTick(const std::string& path) {
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  int64_t last = std::max(st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                          st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec);
  for (;;) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME_COARSE, &now);
    if (now.tv_sec * 1'000'000'000LL + now.tv_nsec > last) return;
    std::this_thread::yield();
  }
}

TEST(TranscriptFinder, AListingIsReusedOnlyOnceItsDirectoryHasSettled) {
  test::TempDir dir;
  test::WriteFile(dir.Join("projects/-p/s1.jsonl"), "{}\n");
  test::FakeClock clock;
  clock.now_ms = test::FakeClock::RealNowMs();  // Just changed: not settled.
  ScanCache cache(clock);
  FindTranscripts({dir.path()}, &cache);
  FindTranscripts({dir.path()}, &cache);
  EXPECT_EQ(cache.reused_listings(), 0u);
  clock.now_ms += 1'100;  // Listed over a second after the last change.
  FindTranscripts({dir.path()}, &cache);
  uint64_t after_settled_listing = cache.reused_listings();
  EXPECT_EQ(FindTranscripts({dir.path()}, &cache).files.size(), 1u);
  EXPECT_GT(cache.reused_listings(), after_settled_listing);
}

TEST(TranscriptFinder, ACachedListingNeverHidesAChange) {
  test::TempDir dir;
  test::WriteFile(dir.Join("projects/-p/s1.jsonl"), "{}\n");
  test::WriteFile(dir.Join("projects/-p/s1/subagents/agent-1.jsonl"), "{}\n");
  // Listings are made "two seconds later" than the directories' changes,
  // so the scans below really run from the cache.
  test::FakeClock clock;
  clock.now_ms = test::FakeClock::RealNowMs() + 2'000;
  ScanCache cache(clock);
  EXPECT_EQ(FindTranscripts({dir.path()}, &cache).files.size(), 2u);
  EXPECT_EQ(FindTranscripts({dir.path()}, &cache).files.size(), 2u);
  EXPECT_GT(cache.reused_listings(), 0u);
  // Added, appended, deleted: each is seen through the cache.
  WaitForTheNextTimestampTick(dir.Join("projects/-p"));
  test::WriteFile(dir.Join("projects/-p/s2.jsonl"), "{}\n");
  test::AppendFile(dir.Join("projects/-p/s1/subagents/agent-1.jsonl"), "{}\n");
  ScanResult r = FindTranscripts({dir.path()}, &cache);
  ASSERT_EQ(r.files.size(), 3u);
  EXPECT_EQ(r.files[1].identity.size_bytes, 6u);  // agent-1.jsonl, grown.
  WaitForTheNextTimestampTick(dir.Join("projects/-p"));
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
