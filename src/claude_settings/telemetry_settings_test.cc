// `telemetry init --write`: our env keys merged into settings.json with
// everything else kept, the old bytes kept in a backup that never replaces
// an earlier one, the file's mode kept, a symlink kept as a symlink, and a
// file that is not JSON left alone.
#include "claude_settings/telemetry_settings.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_util.h"

namespace cc {
namespace {

namespace fs = std::filesystem;

constexpr char kEndpoint[] = "http://127.0.0.1:4318";

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(SettingsMerge, OtherKeysAndOtherEnvEntriesAreKept) {
  const std::string settings = R"js({
    "model": "opus",
    "permissions": {"allow": ["Bash(ls)"]},
    "env": {"FOO": "bar", "OTEL_LOGS_EXPORTER": "console"}
  })js";
  Result<std::string> merged = MergeClaudeSettings(settings, kEndpoint);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  const auto has = [&](const std::string& s) {
    return merged->find(s) != std::string::npos;
  };
  EXPECT_TRUE(has(R"js("model": "opus")js")) << *merged;
  EXPECT_TRUE(has(R"js("permissions": {"allow":["Bash(ls)"]})js")) << *merged;
  EXPECT_TRUE(has(R"js("FOO": "bar")js")) << *merged;
  EXPECT_TRUE(has(R"js("OTEL_LOGS_EXPORTER": "otlp")js")) << *merged;
  EXPECT_FALSE(has("console")) << *merged;
  EXPECT_TRUE(
      has(R"js("OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318")js"))
      << *merged;
}

TEST(SettingsMerge, TheBackupHoldsTheOriginalBytesAndTheModeIsKept) {
  test::TempDir dir;
  const std::string path = dir.Join("settings.json");
  const std::string original = "{\n  \"model\": \"opus\"  \n}\n";
  test::WriteFile(path, original);
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  Result<SettingsUpdate> update = WriteTelemetrySettings(path, kEndpoint, false);
  ASSERT_TRUE(update.ok()) << update.status().message();
  EXPECT_EQ(update->outcome, SettingsUpdate::Outcome::kUpdated);
  const std::string backup = update->backup;
  EXPECT_EQ(test::ReadFile(backup), original);
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ModeOf(backup), 0600u);
  EXPECT_NE(test::ReadFile(path).find("OTEL_EXPORTER_OTLP_ENDPOINT"),
            std::string::npos);
  EXPECT_NE(test::ReadFile(path).find("opus"), std::string::npos);
}

TEST(SettingsMerge, ABackupNeverOverwritesAnEarlierOne) {
  test::TempDir dir;
  const std::string path = dir.Join("settings.json");
  test::WriteFile(path, R"({"first": 1})");
  Result<SettingsUpdate> one = WriteTelemetrySettings(path, kEndpoint, false);
  ASSERT_TRUE(one.ok()) << one.status().message();
  const std::string after_first = test::ReadFile(path);
  Result<SettingsUpdate> two = WriteTelemetrySettings(path, "http://127.0.0.1:9999", true);
  ASSERT_TRUE(two.ok()) << two.status().message();
  EXPECT_NE(one->backup, two->backup);  // Within the same second too.
  EXPECT_EQ(test::ReadFile(one->backup), R"({"first": 1})");
  EXPECT_EQ(test::ReadFile(two->backup), after_first);
}

TEST(SettingsMerge, ASymlinkStaysASymlinkAndItsTargetIsWritten) {
  test::TempDir dir;
  fs::create_directories(dir.Join("dotfiles"));
  const std::string target = dir.Join("dotfiles/claude-settings.json");
  const std::string link = dir.Join("settings.json");
  test::WriteFile(target, R"({"model": "opus"})");
  ASSERT_EQ(::chmod(target.c_str(), 0640), 0);
  fs::create_symlink("dotfiles/claude-settings.json", link);
  Result<SettingsUpdate> update = WriteTelemetrySettings(link, kEndpoint, false);
  ASSERT_TRUE(update.ok()) << update.status().message();
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_EQ(fs::read_symlink(link), "dotfiles/claude-settings.json");
  EXPECT_NE(test::ReadFile(target).find("OTEL_EXPORTER_OTLP_ENDPOINT"),
            std::string::npos);
  EXPECT_EQ(ModeOf(target), 0640u);
  EXPECT_EQ(test::ReadFile(update->backup), R"({"model": "opus"})");
}

TEST(SettingsMerge, InvalidJsonIsLeftUnchangedWithAClearError) {
  test::TempDir dir;
  const std::string path = dir.Join("settings.json");
  const std::string broken = R"({"model": "opus",)";
  test::WriteFile(path, broken);
  Result<SettingsUpdate> r = WriteTelemetrySettings(path, kEndpoint, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_NE(r.status().message().find("left unchanged"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(test::ReadFile(path), broken);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path()))
    ++files;
  EXPECT_EQ(files, 1u);  // No backup, no temporary file.
}

TEST(SettingsMerge, AMissingFileIsCreatedPrivate) {
  test::TempDir dir;
  const std::string path = dir.Join("claude/settings.json");
  Result<SettingsUpdate> update = WriteTelemetrySettings(path, kEndpoint, false);
  ASSERT_TRUE(update.ok()) << update.status().message();
  EXPECT_EQ(update->outcome, SettingsUpdate::Outcome::kCreated);
  EXPECT_EQ(update->backup, "");
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_NE(test::ReadFile(path).find("CLAUDE_CODE_ENABLE_TELEMETRY"),
            std::string::npos);
}

size_t FilesIn(const std::string& dir) {
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  return files;
}

TEST(SettingsMerge, ASecondRunChangesNothingAndKeepsNoSecondBackup) {
  test::TempDir dir;
  const std::string path = dir.Join("settings.json");
  test::WriteFile(path, R"({"model": "opus"})");
  Result<SettingsUpdate> first = WriteTelemetrySettings(path, kEndpoint, false);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->outcome, SettingsUpdate::Outcome::kUpdated);
  const std::string after_first = test::ReadFile(path);
  Result<SettingsUpdate> second = WriteTelemetrySettings(path, kEndpoint, false);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->outcome, SettingsUpdate::Outcome::kUnchanged);
  EXPECT_EQ(second->backup, "");
  EXPECT_EQ(test::ReadFile(path), after_first);
  EXPECT_EQ(FilesIn(dir.path()), 2u);  // The file and the first backup.
}

TEST(SettingsMerge, AnotherCollectorIsNotReplacedSilently) {
  test::TempDir dir;
  const std::string path = dir.Join("settings.json");
  const std::string theirs =
      R"({"env": {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}})";
  test::WriteFile(path, theirs);
  Result<SettingsUpdate> refused = WriteTelemetrySettings(path, kEndpoint, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("http://collector:4318"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("--force"), std::string::npos);
  EXPECT_EQ(test::ReadFile(path), theirs);
  EXPECT_EQ(FilesIn(dir.path()), 1u);

  Result<SettingsUpdate> forced = WriteTelemetrySettings(path, kEndpoint, true);
  ASSERT_TRUE(forced.ok()) << forced.status().message();
  EXPECT_EQ(test::ReadFile(forced->backup), theirs);
  EXPECT_EQ(test::ReadFile(path).find("collector"), std::string::npos);
}

TEST(SettingsMerge, APerSignalEndpointCountsAsAnotherCollectorAndIsRemovedWhenReplaced) {
  const std::string theirs = R"({"env": {
      "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
      "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://logs.example:4318/v1/logs"}})";
  Result<std::string> other = OtherTelemetryEndpoint(theirs, kEndpoint);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, "http://logs.example:4318/v1/logs");
  Result<std::string> merged = MergeClaudeSettings(theirs, kEndpoint);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->find("LOGS_ENDPOINT"), std::string::npos) << *merged;
  Result<bool> in_place = TelemetrySettingsInPlace(*merged, kEndpoint);
  ASSERT_TRUE(in_place.ok());
  EXPECT_TRUE(*in_place);
  EXPECT_FALSE(*TelemetrySettingsInPlace(theirs, kEndpoint));
}

}  // namespace
}  // namespace cc
