// Only regular files are read: a FIFO, a device or a directory at a
// transcript's path is skipped with its reason, at once (a blocking open
// of a FIFO would hold the reading thread until a writer came).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <string>

#include "sync/transcript_reader.h"
#include "test_util.h"

namespace cc {
namespace {

Result<FileReadResult> Read(const std::string& path, size_t* pieces) {
  TranscriptFile file{path, "/root", "proj", {}};
  ReadOptions options;
  LineParser parser;
  return ReadTranscript(file, std::nullopt, options, parser,
                        [&](FilePiece&&) { ++*pieces; });
}

TEST(TranscriptFileType, AFifoIsSkippedAtOnceWithItsReason) {
  test::TempDir dir;
  const std::string path = dir.Join("s.jsonl");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  size_t pieces = 0;
  const auto t0 = std::chrono::steady_clock::now();
  Result<FileReadResult> r = Read(path, &pieces);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("it is a FIFO, not a regular file"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_EQ(pieces, 0u);
}

TEST(TranscriptFileType, DevicesAndDirectoriesAreSkipped) {
  test::TempDir dir;
  const std::string link = dir.Join("zero.jsonl");
  ASSERT_EQ(symlink("/dev/zero", link.c_str()), 0);
  size_t pieces = 0;
  Result<FileReadResult> r = Read(link, &pieces);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a character device"), std::string::npos)
      << r.status().message();
  const std::string sub = dir.Join("d.jsonl");
  ASSERT_EQ(mkdir(sub.c_str(), 0700), 0);
  r = Read(sub, &pieces);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a directory"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(pieces, 0u);
}

TEST(TranscriptFileType, ARegularFileIsStillRead) {
  test::TempDir dir;
  const std::string path = dir.Join("s.jsonl");
  test::WriteFile(path, test::AssistantLine({}) + "\n");
  size_t pieces = 0;
  Result<FileReadResult> r = Read(path, &pieces);
  EXPECT_TRUE(r.ok()) << r.status().message();
  EXPECT_GE(pieces, 1u);
}

}  // namespace
}  // namespace cc
