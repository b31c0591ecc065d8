#include "statusline/stdin_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace cc {
namespace {

constexpr int64_t kMs = 1'000'000;

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { EXPECT_EQ(pipe(fds), 0); }
  ~Pipe() {
    if (fds[0] >= 0) close(fds[0]);
    if (fds[1] >= 0) close(fds[1]);
  }
  void Write(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = write(fds[1], s.data() + done, s.size() - done);
      ASSERT_GT(n, 0);
      done += static_cast<size_t>(n);
    }
  }
  void CloseWriter() {
    close(fds[1]);
    fds[1] = -1;
  }
};

TEST(StatuslineStdin, ObjectWithoutEofReturnsAtItsEnd) {
  Pipe p;
  p.Write(R"({"model":{"display_name":"Opus {4}"},"x":"}\""})");
  const int64_t start = MonotonicNs();
  StdinRead r = ReadStatuslineStdin(p.fds[0], kStatuslineStdinMax, start + 5000 * kMs);
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.eof);
  EXPECT_FALSE(r.timed_out);
  EXPECT_LT(MonotonicNs() - start, 1000 * kMs);  // Not the 5 s deadline.
}

TEST(StatuslineStdin, NoEofAndNoObjectStopsAtTheDeadline) {
  Pipe p;
  p.Write(R"({"model":{"display_name":"Op)");  // Cut short, writer kept open.
  const int64_t start = MonotonicNs();
  StdinRead r = ReadStatuslineStdin(p.fds[0], kStatuslineStdinMax, start + 30 * kMs);
  const int64_t took = MonotonicNs() - start;
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.complete);
  EXPECT_GE(took, 29 * kMs);
  EXPECT_LT(took, 60 * kMs);
}

TEST(StatuslineStdin, EmptyPipeWithoutEofStopsAtTheDeadline) {
  Pipe p;
  const int64_t start = MonotonicNs();
  StdinRead r = ReadStatuslineStdin(p.fds[0], kStatuslineStdinMax, start + 20 * kMs);
  EXPECT_TRUE(r.timed_out);
  EXPECT_TRUE(r.text.empty());
  EXPECT_LT(MonotonicNs() - start, 50 * kMs);
}

TEST(StatuslineStdin, AMegabyteOfGarbageIsCutAtTheBound) {
  Pipe p;
  fcntl(p.fds[1], F_SETFL, O_NONBLOCK);
  std::string garbage(1 << 20, 'x');
  // The pipe holds 64 KiB: write what fits, the reader stops at its bound.
  (void)!write(p.fds[1], garbage.data(), garbage.size());
  StdinRead r = ReadStatuslineStdin(p.fds[0], 1000, MonotonicNs() + 1000 * kMs);
  EXPECT_TRUE(r.too_big);
  EXPECT_EQ(r.text.size(), 1000u);
  EXPECT_FALSE(r.complete);
}

TEST(StatuslineStdin, EofEndsTheRead) {
  Pipe p;
  p.Write("not json");
  p.CloseWriter();
  StdinRead r = ReadStatuslineStdin(p.fds[0], kStatuslineStdinMax, MonotonicNs() + 1000 * kMs);
  EXPECT_TRUE(r.eof);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.text, "not json");
}

TEST(StatuslineStdin, CompleteObjectScan) {
  EXPECT_TRUE(HoldsCompleteObject(" \n{\"a\":[1,{\"b\":\"}\"}]}"));
  EXPECT_FALSE(HoldsCompleteObject("{\"a\":\"\\\"}\""));  // The brace is in the string.
  EXPECT_FALSE(HoldsCompleteObject("[1]"));
  EXPECT_FALSE(HoldsCompleteObject(""));
}

}  // namespace
}  // namespace cc
