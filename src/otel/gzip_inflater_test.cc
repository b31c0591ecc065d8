// GzipInflater against bodies made by zlib (clickhouse/body_compression.h):
// pieces of any size, the output cap, concatenated members, truncation and
// corruption.
#include "otel/gzip_inflater.h"

#include <gtest/gtest.h>

#include <string>

#include "otel/otel_test_util.h"

namespace cc {
namespace {

using test::GzipOf;

std::string Sample(size_t size) {
  std::string s;
  for (size_t i = 0; s.size() < size; ++i) s += "line " + std::to_string(i) + "\n";
  s.resize(size);
  return s;
}

// Feeds `body` in pieces of `piece` bytes; the status of the last Feed, or
// of Finish when every Feed succeeded.
Status InflateInPieces(GzipInflater& inflater, const std::string& body,
                       size_t piece) {
  for (size_t at = 0; at < body.size(); at += piece) {
    Status s = inflater.Feed(std::string_view(body).substr(at, piece));
    if (!s.ok()) return s;
  }
  return inflater.Finish();
}

TEST(GzipInflater, AnyPieceSizeGivesTheSameBytes) {
  const std::string data = Sample(100'000);
  const std::string gz = GzipOf(data);
  for (size_t piece : {size_t{1}, size_t{7}, size_t{4096}, gz.size()}) {
    SCOPED_TRACE(piece);
    GzipInflater inflater(1 << 20);
    ASSERT_TRUE(InflateInPieces(inflater, gz, piece).ok());
    EXPECT_FALSE(inflater.over_limit());
    EXPECT_EQ(inflater.output(), data);
  }
}

TEST(GzipInflater, OutputStopsAtTheCapAndTheRestIsStillAccepted) {
  const std::string gz = GzipOf(std::string(1 << 20, '\0'));  // ~1 KB of gzip.
  ASSERT_LT(gz.size(), 8192u);
  GzipInflater inflater(4096);
  EXPECT_TRUE(inflater.Feed(std::string_view(gz).substr(0, gz.size() / 2)).ok());
  EXPECT_TRUE(inflater.over_limit());
  EXPECT_LE(inflater.output().size(), 4096u);
  // The caller reads the rest of the body off the wire: Feed keeps saying Ok.
  EXPECT_TRUE(inflater.Feed(std::string_view(gz).substr(gz.size() / 2)).ok());
  EXPECT_LE(inflater.output().size(), 4096u);
}

TEST(GzipInflater, ABodyExactlyAtTheCapIsNotOver) {
  const std::string data = Sample(4096);
  GzipInflater inflater(4096);
  ASSERT_TRUE(InflateInPieces(inflater, GzipOf(data), 100).ok());
  EXPECT_FALSE(inflater.over_limit());
  EXPECT_EQ(inflater.output(), data);
}

TEST(GzipInflater, ConcatenatedMembersInflateOneAfterTheOther) {
  const std::string a = Sample(3000), b = "second member\n", c = Sample(10);
  const std::string body = GzipOf(a) + GzipOf(b) + GzipOf(c);
  for (size_t piece : {size_t{1}, size_t{13}, body.size()}) {
    SCOPED_TRACE(piece);
    GzipInflater inflater(1 << 20);
    ASSERT_TRUE(InflateInPieces(inflater, body, piece).ok());
    EXPECT_EQ(inflater.output(), a + b + c);
  }
}

TEST(GzipInflater, ATruncatedBodyFailsAtFinish) {
  const std::string gz = GzipOf(Sample(5000));
  for (size_t cut : {size_t{1}, size_t{8}, gz.size() / 2, gz.size() - 1}) {
    SCOPED_TRACE(cut);
    GzipInflater inflater(1 << 20);
    ASSERT_TRUE(inflater.Feed(std::string_view(gz).substr(0, gz.size() - cut)).ok());
    Status s = inflater.Finish();
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.message();
  }
  // A second member cut short fails too, though the first one was whole.
  const std::string two = gz + gz.substr(0, gz.size() - 4);
  GzipInflater inflater(1 << 20);
  ASSERT_TRUE(inflater.Feed(two).ok());
  EXPECT_FALSE(inflater.Finish().ok());
}

TEST(GzipInflater, AnEmptyBodyIsAnError) {
  GzipInflater inflater(1024);
  EXPECT_EQ(inflater.Finish().code(), Status::Code::kInvalidArgument);
}

TEST(GzipInflater, CorruptBytesAreAnErrorThatSticks) {
  GzipInflater inflater(1024);
  Status first = inflater.Feed(std::string("\x1f\x8b\x08\x00garbage!garbage!"));
  if (first.ok()) first = inflater.Finish();  // Corruption seen at the end.
  EXPECT_EQ(first.code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(inflater.Feed(GzipOf("fine")).ok());
  GzipInflater not_gzip(1024);
  Status s = not_gzip.Feed("plain text, not compressed at all");
  EXPECT_FALSE(s.ok() && not_gzip.Finish().ok());
}

}  // namespace
}  // namespace cc
