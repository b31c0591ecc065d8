// RunSubprocess: bounded, its own process group, nothing of ours inherited.
#include "alert/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "test_util.h"

namespace cc {
namespace {

int64_t ElapsedMs(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now() - since)
      .count();
}

std::string ReadIfExists(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Subprocess, GivesItsInputAndKeepsTheTailOfItsOutput) {
  Result<SubprocessOutcome> r = RunSubprocess(
      {"/bin/sh", "-c", "cat; echo \" $EXTRA\" >&2; exit 3"}, "hello",
      {"EXTRA=there"}, 5000, 8);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->output_tail, "o there\n");  // The last 8 bytes, both streams.
}

TEST(Subprocess, KillsTheWholeGroupAtTheBound) {
  test::TempDir dir;
  const std::string pid_file = dir.Join("pid");
  const auto start = std::chrono::steady_clock::now();
  // A grandchild that would outlive `sh` if only `sh` were killed.
  Result<SubprocessOutcome> r = RunSubprocess(
      {"/bin/sh", "-c", "sleep 30 & echo $! > " + pid_file + "; wait"}, "", {},
      300);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->timed_out);
  EXPECT_LT(ElapsedMs(start), 5000);
  const pid_t grandchild = static_cast<pid_t>(std::stol(test::ReadFile(pid_file)));
  // Killed with its group: gone, or a zombie until init reaps it.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    const std::string stat = ReadIfExists("/proc/" + std::to_string(grandchild) + "/stat");
    const size_t paren = stat.rfind(')');
    gone = paren == std::string::npos || stat.substr(paren + 2, 1) == "Z";
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "pid " << grandchild << " survived";
}

TEST(Subprocess, AnInputItNeverReadsIsNoError) {
  // More than a pipe holds, to a program that exits at once: no SIGPIPE.
  const std::string big(1 << 20, 'x');
  Result<SubprocessOutcome> r =
      RunSubprocess({"/bin/sh", "-c", "exit 0"}, big, {}, 5000);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_code, 0);
}

TEST(Subprocess, InheritsNoDescriptorOfOurs) {
  test::TempDir dir;
  const int fd = ::open(dir.Join("held-by-us").c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 3);
  Result<SubprocessOutcome> r = RunSubprocess(
      {"/bin/sh", "-c", "for f in /proc/$$/fd/*; do readlink $f; done"}, "", {}, 5000);
  ::close(fd);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->output_tail.find("held-by-us"), std::string::npos) << r->output_tail;
  EXPECT_NE(r->output_tail.find("pipe:"), std::string::npos) << r->output_tail;
}

TEST(Subprocess, AProgramNotFoundIsAnError) {
  Result<SubprocessOutcome> r =
      RunSubprocess({"no-such-program-cc-test"}, "", {}, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not found in PATH"), std::string::npos);
}

}  // namespace
}  // namespace cc
