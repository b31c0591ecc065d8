#include "tail/line_reader.h"

#include <fcntl.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace cc {
namespace {

struct Got {
  std::string text;
  uint64_t offset;
  uint64_t length;
  bool terminated;
  bool compacted;
};

std::vector<Got> ReadAll(const std::string& path, uint64_t start,
                         size_t buffer_bytes, uint64_t limit = UINT64_MAX) {
  int fd = open(path.c_str(), O_RDONLY);
  EXPECT_GE(fd, 0);
  Result<FingerprintBytes> verified = ReadFingerprintBytes(fd, start);
  EXPECT_TRUE(verified.ok());
  LineReader reader(fd, start, limit, *verified, buffer_bytes);
  std::vector<Got> out;
  Line line;
  for (;;) {
    Result<bool> more = reader.Next(&line);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    out.push_back({std::string(line.text), line.offset, line.length,
                   line.terminated, line.compacted});
  }
  close(fd);
  return out;
}

TEST(LineReader, CutsLinesWithOffsets) {
  test::TempDir dir;
  std::string path = dir.Join("a.jsonl");
  test::WriteFile(path, "{\"a\":1}\n\n{\"b\":2}\n");
  std::vector<Got> lines = ReadAll(path, 0, 64);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "{\"a\":1}");
  EXPECT_EQ(lines[0].offset, 0u);
  EXPECT_EQ(lines[0].length, 8u);
  EXPECT_EQ(lines[1].text, "");
  EXPECT_EQ(lines[2].offset, 9u);
  EXPECT_TRUE(lines[2].terminated);
}

TEST(LineReader, ResumesFromAnOffset) {
  test::TempDir dir;
  std::string path = dir.Join("a.jsonl");
  test::WriteFile(path, "{\"a\":1}\n{\"b\":2}\n");
  std::vector<Got> lines = ReadAll(path, 8, 64);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "{\"b\":2}");
  EXPECT_EQ(lines[0].offset, 8u);
}

TEST(LineReader, ReturnsTheUnterminatedTailOnce) {
  test::TempDir dir;
  std::string path = dir.Join("a.jsonl");
  test::WriteFile(path, "{\"a\":1}\n{\"b\":");
  std::vector<Got> lines = ReadAll(path, 0, 64);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].terminated);
  EXPECT_FALSE(lines[1].terminated);
  EXPECT_EQ(lines[1].text, "{\"b\":");
  EXPECT_EQ(lines[1].offset, 8u);
}

TEST(LineReader, StopsAtTheLimit) {
  test::TempDir dir;
  std::string path = dir.Join("a.jsonl");
  test::WriteFile(path, "{\"a\":1}\n{\"b\":2}\n");
  std::vector<Got> lines = ReadAll(path, 0, 64, 12);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(lines[1].terminated);  // Bytes past the limit are not seen.
  EXPECT_EQ(lines[1].text, "{\"b\"");
}

TEST(LineReader, LinesSpanningManyBufferFillsStayWhole) {
  test::TempDir dir;
  std::string path = dir.Join("a.jsonl");
  std::string text;
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    expected.push_back("{\"i\":" + std::to_string(i) + ",\"pad\":\"" +
                       std::string(static_cast<size_t>(i % 37), 'x') + "\"}");
    text += expected.back() + "\n";
  }
  test::WriteFile(path, text);
  std::vector<Got> lines = ReadAll(path, 0, 128);
  ASSERT_EQ(lines.size(), expected.size());
  uint64_t offset = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].text, expected[i]);
    EXPECT_EQ(lines[i].offset, offset);
    EXPECT_FALSE(lines[i].compacted);
    offset += lines[i].length;
  }
}

TEST(LineReader, CompactsALineLongerThanTheBuffer) {
  test::TempDir dir;
  std::string path = dir.Join("a.jsonl");
  std::string big = "{\"type\":\"assistant\",\"content\":\"" +
                    std::string(100'000, 'y') + "\",\"n\":7}";
  test::WriteFile(path, big + "\n{\"after\":1}\n");
  std::vector<Got> lines = ReadAll(path, 0, 4096);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].compacted);
  EXPECT_EQ(lines[0].text, "{\"type\":\"assistant\",\"content\":\"\",\"n\":7}");
  EXPECT_EQ(lines[0].offset, 0u);
  EXPECT_EQ(lines[0].length, big.size() + 1);
  EXPECT_EQ(lines[1].text, "{\"after\":1}");
  EXPECT_EQ(lines[1].offset, big.size() + 1);
}

// The fingerprint at every line end equals one computed from the file,
// whatever the buffer size, long lines and starting point.
TEST(LineReader, FingerprintsMatchTheFileAtEveryLineEnd) {
  test::TempDir dir;
  std::string path = dir.Join("a.jsonl");
  std::string text;
  for (int i = 0; i < 300; ++i) {
    size_t pad = static_cast<size_t>(i * 7919 % 6000);
    if (i % 50 == 7) pad = 20'000;  // Longer than the buffer: compacted.
    text += "{\"i\":" + std::to_string(i) + ",\"p\":\"" +
            std::string(pad, static_cast<char>('a' + i % 26)) + "\"}\n";
  }
  test::WriteFile(path, text);
  int fd = open(path.c_str(), O_RDONLY);
  for (uint64_t start : {uint64_t{0}, uint64_t{text.find('\n', 5000) + 1}}) {
    Result<FingerprintBytes> verified = ReadFingerprintBytes(fd, start);
    ASSERT_TRUE(verified.ok());
    LineReader reader(fd, start, text.size(), *verified, 8192);
    EXPECT_EQ(reader.FingerprintAt(start), *ComputeFingerprint(fd, start));
    Line line;
    int lines = 0;
    while (*reader.Next(&line)) {
      ASSERT_EQ(reader.FingerprintAt(line.end()),
                *ComputeFingerprint(fd, line.end()))
          << "line at " << line.offset;
      ++lines;
    }
    EXPECT_GT(lines, 100);
  }
  close(fd);
}

TEST(LineReader, FingerprintBeforeAnUnfinishedLongLine) {
  test::TempDir dir;
  std::string path = dir.Join("a.jsonl");
  std::string done = "{\"a\":\"" + std::string(6000, 'x') + "\"}\n";
  std::string unfinished = "{\"b\":\"" + std::string(30'000, 'y');
  test::WriteFile(path, done + unfinished);
  int fd = open(path.c_str(), O_RDONLY);
  LineReader reader(fd, 0, done.size() + unfinished.size(), {}, 8192);
  Line line;
  ASSERT_TRUE(*reader.Next(&line));
  ASSERT_TRUE(line.terminated);
  ASSERT_TRUE(*reader.Next(&line));
  ASSERT_FALSE(line.terminated);  // Streamed through the compactor.
  EXPECT_EQ(reader.FingerprintAt(done.size()),
            *ComputeFingerprint(fd, done.size()));
  close(fd);
}

TEST(LineReader, AFingerprintDescribesTheBytesRead) {
  test::TempDir dir;
  std::string path = dir.Join("a.jsonl");
  test::WriteFile(path, "{\"a\":1}\n{\"b\":2}\n");
  int fd = open(path.c_str(), O_RDONLY);
  LineReader reader(fd, 0, 16, {}, 64);
  Line line;
  while (*reader.Next(&line)) {
  }
  // Rewritten in place (same inode) after the lines were read.
  test::WriteFile(path, "{\"c\":3}\n{\"d\":4}\n");
  Fingerprint read = reader.FingerprintAt(16);
  EXPECT_NE(read, *ComputeFingerprint(fd, 16));
  close(fd);
}

}  // namespace
}  // namespace cc
