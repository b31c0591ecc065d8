// The dashboard token's three sources, their order, and a token file's
// failures.
#include "cli/auth_token.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/context.h"
#include "test_util.h"

namespace cc::cli {
namespace {

const std::string kFlagToken = "flag-token-0123456789";
const std::string kFileToken = "file-token-0123456789";
const std::string kEnvToken = "env-token-0123456789";
const std::string kOldEnvToken = "old-env-token-0123456789";

AuthTokenInputs FlagOnly(std::string token) {
  AuthTokenInputs in;
  in.flag = std::move(token);
  return in;
}
AuthTokenInputs FileOnly(std::string path) {
  AuthTokenInputs in;
  in.file = std::move(path);
  return in;
}
AuthTokenInputs EnvOnly(std::string token) {
  AuthTokenInputs in;
  in.env = std::move(token);
  return in;
}

class AuthTokenTest : public ::testing::Test {
 protected:
  // A token file with `bytes`, mode `mode`.
  std::string TokenFile(const std::string& bytes, mode_t mode = 0600) {
    const std::string path = dir_.Join("token" + std::to_string(++files_));
    test::WriteFile(path, bytes);
    EXPECT_EQ(chmod(path.c_str(), mode), 0);
    return path;
  }
  test::TempDir dir_;
  int files_ = 0;
};

TEST_F(AuthTokenTest, AFlagBeatsTheEnvironmentAndTheNewNameBeatsTheOld) {
  const std::string file = TokenFile(kFileToken + "\n");
  struct Case {
    AuthTokenInputs in;
    std::string token;
    std::string source;
  } cases[] = {
      {{kFlagToken, std::nullopt, kEnvToken, kOldEnvToken},
       kFlagToken,
       "--auth-token"},
      {{std::nullopt, file, kEnvToken, kOldEnvToken},
       kFileToken,
       "--auth-token-file " + file},
      {{std::nullopt, std::nullopt, kEnvToken, kOldEnvToken},
       kEnvToken,
       "$CONTEXT_CLEANER_AUTH_TOKEN"},
      {{std::nullopt, std::nullopt, std::nullopt, kOldEnvToken},
       kOldEnvToken,
       "$CONTEXT_CLEANER_DASHBOARD_TOKEN"},
      {{}, "", ""},
  };
  for (const Case& c : cases) {
    Result<AuthToken> t = ResolveAuthToken(c.in);
    ASSERT_TRUE(t.ok()) << t.status().message();
    EXPECT_EQ(t->token, c.token);
    EXPECT_EQ(t->source, c.source);
    EXPECT_TRUE(t->warnings.empty());
  }
}

TEST_F(AuthTokenTest, BothFlagsTogetherAreAUsageError) {
  Result<AuthToken> t = ResolveAuthToken(
      {kFlagToken, TokenFile(kFileToken), std::nullopt, std::nullopt});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(t.status().message().find("give one of them"), std::string::npos);
}

TEST_F(AuthTokenTest, TheFileLosesOneTrailingNewlineOnly) {
  for (const std::string& bytes :
       {kFileToken, kFileToken + "\n", kFileToken + "\r\n"}) {
    Result<AuthToken> t = ResolveAuthToken(FileOnly(TokenFile(bytes)));
    ASSERT_TRUE(t.ok()) << t.status().message();
    EXPECT_EQ(t->token, kFileToken);
  }
  // Spaces are the token's: a file is taken as written.
  Result<AuthToken> t = ResolveAuthToken(FileOnly(TokenFile(" " + kFileToken)));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->token, " " + kFileToken);
}

TEST_F(AuthTokenTest, AnUnreadableEmptyOrMultiLineFileIsAnErrorNamingIt) {
  const std::string missing = dir_.Join("no-such-file");
  const std::string empty = TokenFile("");
  const std::string newline_only = TokenFile("\n");
  const std::string two_lines = TokenFile(kFileToken + "\nsecond\n");
  const std::string big = TokenFile(std::string(5000, 'x'));
  std::vector<std::pair<std::string, std::string>> cases = {
      {missing, "cannot read"}, {empty, "empty"},
      {newline_only, "empty"},  {two_lines, "more than one line"},
      {big, "more than 4 KiB"}, {dir_.path(), "cannot read"},
  };
  if (geteuid() != 0) {  // root reads a file of mode 000 all the same.
    cases.emplace_back(TokenFile(kFileToken, 0000), "cannot read");
  }
  for (const auto& [path, why] : cases) {
    Result<AuthToken> t = ResolveAuthToken(FileOnly(path));
    ASSERT_FALSE(t.ok()) << path;
    EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(t.status().message().find("--auth-token-file " + path + ": "),
              std::string::npos)
        << t.status().message();
    EXPECT_NE(t.status().message().find(why), std::string::npos)
        << t.status().message();
  }
}

TEST_F(AuthTokenTest, AFileOthersCanReadIsUsedWithAWarning) {
  for (mode_t mode : {0640u, 0604u, 0644u}) {
    const std::string path = TokenFile(kFileToken, mode);
    Result<AuthToken> t = ResolveAuthToken(FileOnly(path));
    ASSERT_TRUE(t.ok()) << t.status().message();
    EXPECT_EQ(t->token, kFileToken);
    ASSERT_EQ(t->warnings.size(), 1u) << mode;
    EXPECT_NE(t->warnings[0].find(path), std::string::npos);
    EXPECT_NE(t->warnings[0].find("chmod 600"), std::string::npos);
    EXPECT_EQ(t->warnings[0].find(kFileToken), std::string::npos);
  }
  for (mode_t mode : {0600u, 0400u}) {
    Result<AuthToken> t =
        ResolveAuthToken(FileOnly(TokenFile(kFileToken, mode)));
    ASSERT_TRUE(t.ok());
    EXPECT_TRUE(t->warnings.empty()) << mode;
  }
}

TEST_F(AuthTokenTest, AShortOrEmptyTokenIsAnErrorNamingItsSource) {
  Result<AuthToken> t = ResolveAuthToken(FlagOnly("short"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().rfind("--auth-token: use at least 16", 0), 0u)
      << t.status().message();
  t = ResolveAuthToken(FlagOnly(""));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "--auth-token: empty");
  t = ResolveAuthToken(EnvOnly("short"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().rfind("$CONTEXT_CLEANER_AUTH_TOKEN: ", 0), 0u)
      << t.status().message();
  const std::string file = TokenFile("short\n");
  t = ResolveAuthToken(FileOnly(file));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().rfind("--auth-token-file " + file + ": ", 0),
            0u)
      << t.status().message();
  // Errors never echo the token they refuse.
  EXPECT_EQ(t.status().message().find("short"), std::string::npos);
}

TEST(AuthTokenEnvironment, EmptyVariablesCountAsUnset) {
  ASSERT_EQ(setenv(kAuthTokenEnv, "", 1), 0);
  ASSERT_EQ(setenv(kLegacyAuthTokenEnv, kOldEnvToken.c_str(), 1), 0);
  AuthTokenInputs in =
      AuthTokenInputsFromEnvironment(std::nullopt, std::nullopt);
  unsetenv(kAuthTokenEnv);
  unsetenv(kLegacyAuthTokenEnv);
  EXPECT_FALSE(in.env.has_value());
  EXPECT_EQ(in.legacy_env, kOldEnvToken);
}

TEST(AuthTokenHelp, TheFlagsHelpSaysOtherUsersSeeItAndWhatToUseInstead) {
  // `dashboard --help` and `run --help` list their flags with this text.
  const std::string help =
      FormatFlags(AllFlags(), {"--auth-token", "--auth-token-file"});
  EXPECT_NE(help.find("Visible to other local users"), std::string::npos)
      << help;
  EXPECT_NE(help.find("--auth-token-file"), std::string::npos) << help;
  EXPECT_NE(help.find("$CONTEXT_CLEANER_AUTH_TOKEN"), std::string::npos)
      << help;
}

}  // namespace
}  // namespace cc::cli
