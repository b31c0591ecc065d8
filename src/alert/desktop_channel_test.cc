// DesktopChannel: only where a session bus and notify-send exist; the
// title and sentence as arguments (never through a shell); bounded.
#include "alert/desktop_channel.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>

#include "test_util.h"

namespace cc {
namespace {

Alert SomeAlert() {
  Alert a;
  a.id = "threshold:daily:2026-12-08T00:00:00:80";
  a.budget = "da'ily; $(touch /tmp/x)";
  a.period = "day";
  a.threshold_pct = 80;
  a.unit = "usd";
  a.spent = 16.2;
  a.limit = 20;
  return a;
}

// A notify-send that writes its arguments, one per line, to `out`.
std::string FakeNotifySend(const test::TempDir& dir, const std::string& body) {
  const std::string bin = dir.Join("bin");
  mkdir(bin.c_str(), 0700);
  test::WriteFile(bin + "/notify-send", "#!/bin/sh\n" + body);
  chmod((bin + "/notify-send").c_str(), 0700);
  return bin;
}

TEST(DesktopChannel, OnlyWithASessionBusAndNotifySend) {
  test::TempDir dir;
  const std::string bin = FakeNotifySend(dir, "exit 0\n");
  EXPECT_EQ(DesktopChannel::Create("", bin), nullptr);
  EXPECT_EQ(DesktopChannel::Create("unix:path=/run/bus", dir.Join("empty")), nullptr);
  EXPECT_NE(DesktopChannel::Create("unix:path=/run/bus", "/nowhere:" + bin), nullptr);
}

TEST(DesktopChannel, PassesTheTitleAndSentenceAsArguments) {
  test::TempDir dir;
  const std::string args = dir.Join("args");
  const std::string bin =
      FakeNotifySend(dir, "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + args + "'\n");
  auto channel = DesktopChannel::Create("unix:path=/run/bus", bin);
  ASSERT_NE(channel, nullptr);
  Status s = channel->Deliver(SomeAlert(), "{}", 5000);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(test::ReadFile(args),
            "--app-name=context-cleaner\n--\n"
            "context-cleaner: budget 'da'ily; $(touch /tmp/x)'\n"
            "budget 'da'ily; $(touch /tmp/x)' at 80 % \xE2\x80\x94 $16.20 of $20.00 today\n");
}

TEST(DesktopChannel, AHangingNotifierIsCutOff) {
  test::TempDir dir;
  const std::string bin = FakeNotifySend(dir, "sleep 30\n");
  auto channel = DesktopChannel::Create("unix:path=/run/bus", bin);
  ASSERT_NE(channel, nullptr);
  const auto start = std::chrono::steady_clock::now();
  Status s = channel->Deliver(SomeAlert(), "{}", 200);
  EXPECT_FALSE(s.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace cc
