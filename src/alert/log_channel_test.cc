// LogChannel: one escaped line per alert, to the file and to `say`.
#include "alert/log_channel.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "test_util.h"

namespace cc {
namespace {

Alert SomeAlert() {
  Alert a;
  a.id = "threshold:daily:2026-12-08T00:00:00:80";
  a.budget = "daily";
  a.period = "day";
  a.threshold_pct = 80;
  a.unit = "usd";
  a.spent = 16.2;
  a.limit = 20;
  a.fired_ms = 1796742245250;
  return a;
}

TEST(LogChannel, OneLineToTheFileAndToSay) {
  test::TempDir dir;
  const std::string path = dir.Join("state/context-cleaner/alerts.log");
  std::vector<std::string> said;
  LogChannel log(path, [&said](const std::string& line) { said.push_back(line); });
  ASSERT_TRUE(log.Deliver(SomeAlert(), "{}", 0).ok());
  const std::string line =
      "2026-12-08T15:04:05.250Z threshold:daily:2026-12-08T00:00:00:80 "
      "context-cleaner: budget 'daily' at 80 % \xE2\x80\x94 $16.20 of $20.00 today";
  EXPECT_EQ(test::ReadFile(path), line + "\n");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0],
            "alert threshold:daily:2026-12-08T00:00:00:80: budget 'daily' at 80 % "
            "\xE2\x80\x94 $16.20 of $20.00 today");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(LogChannel, ANameFromTheConfigCannotStartALineOrMoveTheCursor) {
  test::TempDir dir;
  const std::string path = dir.Join("alerts.log");
  LogChannel log(path, nullptr);
  Alert a = SomeAlert();
  a.budget = "x\n2026-01-01T00:00:00Z fake\x1b[2J";
  ASSERT_TRUE(log.Deliver(a, "{}", 0).ok());
  const std::string text = test::ReadFile(path);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  EXPECT_NE(text.find("x\\n2026-01-01T00:00:00Z fake\\x1b[2J"), std::string::npos) << text;
}

TEST(LogChannel, AnUnwritableLogIsAnErrorYetTheLineIsSaid) {
  test::TempDir dir;
  test::WriteFile(dir.Join("file"), "");
  int said = 0;
  LogChannel log(dir.Join("file/alerts.log"), [&said](const std::string&) { ++said; });
  Status s = log.Deliver(SomeAlert(), "{}", 0);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("the alerts log " + dir.Join("file/alerts.log")),
            std::string::npos)
      << s.message();
  EXPECT_EQ(said, 1);
}

}  // namespace
}  // namespace cc
