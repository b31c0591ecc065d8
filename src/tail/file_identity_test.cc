#include "tail/file_identity.h"

#include "core/fnv1a.h"

#include <fcntl.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace cc {
namespace {

Fingerprint FingerprintOf(const std::string& path, uint64_t offset) {
  int fd = open(path.c_str(), O_RDONLY);
  Result<Fingerprint> fp = ComputeFingerprint(fd, offset);
  close(fd);
  EXPECT_TRUE(fp.ok());
  return fp.ok() ? *fp : Fingerprint{};
}

TEST(FileIdentity, FingerprintSeesRewritesBeforeTheOffset) {
  test::TempDir dir;
  std::string path = dir.Join("f");
  std::string body(10'000, 'a');
  test::WriteFile(path, body);
  Fingerprint before = FingerprintOf(path, 9000);
  EXPECT_EQ(before.head_length, Fingerprint::kSpanBytes);
  test::AppendFile(path, "more");  // Appending keeps it.
  EXPECT_EQ(FingerprintOf(path, 9000), before);
  body[8999] = 'b';  // The byte just before the offset changes.
  test::WriteFile(path, body);
  EXPECT_NE(FingerprintOf(path, 9000), before);
  body[8999] = 'a';
  body[0] = 'c';  // The first byte changes.
  test::WriteFile(path, body);
  EXPECT_NE(FingerprintOf(path, 9000), before);
}

TEST(FileIdentity, FingerprintOfAShortFileFails) {
  test::TempDir dir;
  std::string path = dir.Join("f");
  test::WriteFile(path, "abc");
  int fd = open(path.c_str(), O_RDONLY);
  EXPECT_FALSE(ComputeFingerprint(fd, 10).ok());
  close(fd);
}

TEST(FileIdentity, StatSeesInodeAndSize) {
  test::TempDir dir;
  std::string a = dir.Join("a"), b = dir.Join("b");
  test::WriteFile(a, "12345");
  test::WriteFile(b, "1");
  Result<FileIdentity> ia = StatPath(a), ib = StatPath(b);
  ASSERT_TRUE(ia.ok() && ib.ok());
  EXPECT_EQ(ia->size_bytes, 5u);
  EXPECT_NE(ia->inode, ib->inode);
  EXPECT_FALSE(StatPath(dir.Join("missing")).ok());
}

TEST(FileIdentity, Fnv1aMatchesPublishedVectors) {
  EXPECT_EQ(Fnv1a64("", 0), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a", 1), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar", 6), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace cc
