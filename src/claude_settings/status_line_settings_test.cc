// `statusline init --write`, and where settings.json is: the status line
// set once and left alone after, another status line kept unless forced,
// every other setting kept.
#include "claude_settings/status_line_settings.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace cc {
namespace {

namespace fs = std::filesystem;

constexpr char kCommand[] = "/usr/bin/context-cleaner statusline";

size_t FilesIn(const std::string& dir) {
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  return files;
}

TEST(ClaudeSettingsPath, TheFlagThenClaudeConfigDirThenHome) {
  EXPECT_EQ(*ClaudeSettingsPath(std::string("/x/s.json"), "/cfg", "/home/a"), "/x/s.json");
  EXPECT_EQ(*ClaudeSettingsPath(std::nullopt, "/cfg", "/home/a"), "/cfg/settings.json");
  EXPECT_EQ(*ClaudeSettingsPath(std::nullopt, "", "/home/a"), "/home/a/.claude/settings.json");
  EXPECT_EQ(*ClaudeSettingsPath(std::nullopt, nullptr, "/home/a"), "/home/a/.claude/settings.json");
  Result<std::string> list = ClaudeSettingsPath(std::nullopt, "/a,/b", "/home/a");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("--settings"), std::string::npos);
}

TEST(StatusLineSettings, SetOnceKeepingEverythingElseThenLeftAlone) {
  test::TempDir dir;
  const std::string path = dir.Join("settings.json");
  test::WriteFile(path, R"({"model": "opus", "env": {"FOO": "bar"}})");
  Result<SettingsUpdate> first = WriteStatusLineSettings(path, kCommand, false);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->outcome, SettingsUpdate::Outcome::kUpdated);
  const std::string written = test::ReadFile(path);
  EXPECT_NE(written.find(R"("model": "opus")"), std::string::npos) << written;
  EXPECT_NE(written.find(R"("FOO":"bar")"), std::string::npos) << written;
  EXPECT_NE(written.find(R"("command": "/usr/bin/context-cleaner statusline")"), std::string::npos)
      << written;
  EXPECT_NE(written.find(R"("type": "command")"), std::string::npos) << written;

  Result<SettingsUpdate> second = WriteStatusLineSettings(path, kCommand, false);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->outcome, SettingsUpdate::Outcome::kUnchanged);
  EXPECT_EQ(test::ReadFile(path), written);
  EXPECT_EQ(FilesIn(dir.path()), 2u);  // The file and the first backup.
}

TEST(StatusLineSettings, AnotherStatusLineIsKeptUnlessForcedAndTheErrorSaysHowToShowBoth) {
  test::TempDir dir;
  const std::string path = dir.Join("settings.json");
  const std::string theirs =
      R"({"statusLine": {"type": "command", "command": "~/.claude/line.sh"}})";
  test::WriteFile(path, theirs);
  Result<SettingsUpdate> refused = WriteStatusLineSettings(path, kCommand, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  const std::string why = refused.status().message();  // A copy: status() is a temporary.
  EXPECT_NE(why.find("~/.claude/line.sh"), std::string::npos) << why;
  EXPECT_NE(why.find("--force"), std::string::npos) << why;
  EXPECT_NE(why.find("to show both"), std::string::npos) << why;
  EXPECT_EQ(test::ReadFile(path), theirs);
  EXPECT_EQ(FilesIn(dir.path()), 1u);

  Result<SettingsUpdate> forced = WriteStatusLineSettings(path, kCommand, true);
  ASSERT_TRUE(forced.ok()) << forced.status().message();
  EXPECT_EQ(test::ReadFile(forced->backup), theirs);
  EXPECT_EQ(test::ReadFile(path).find("line.sh"), std::string::npos);
  Result<std::string> other = OtherStatusLine(test::ReadFile(path), kCommand);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, "");
}

TEST(StatusLineSettings, AMissingFileIsCreatedAndBrokenJsonLeftAlone) {
  test::TempDir dir;
  const std::string path = dir.Join("cfg/settings.json");
  Result<SettingsUpdate> made = WriteStatusLineSettings(path, kCommand, false);
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_EQ(made->outcome, SettingsUpdate::Outcome::kCreated);
  EXPECT_NE(test::ReadFile(path).find("statusLine"), std::string::npos);

  const std::string broken = dir.Join("broken.json");
  test::WriteFile(broken, "{\"statusLine\": ");
  Result<SettingsUpdate> r = WriteStatusLineSettings(broken, kCommand, true);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(broken), std::string::npos);
  EXPECT_EQ(test::ReadFile(broken), "{\"statusLine\": ");
}

}  // namespace
}  // namespace cc
