#include "clickhouse/endpoint.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace cc {
namespace {

TEST(ClickHouseEndpoint, ParsesEveryPartWithDefaults) {
  Result<ClickHouseEndpoint> e = ParseClickHouseUrl(
      "https://alice:s%40cret%3A1@ch.example.com/team_usage");
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_TRUE(e->tls);
  EXPECT_EQ(e->host, "ch.example.com");
  EXPECT_EQ(e->port, 8443);
  EXPECT_EQ(e->user, "alice");
  EXPECT_EQ(e->password, "s@cret:1");
  EXPECT_EQ(e->database, "team_usage");
  EXPECT_EQ(e->BaseUrl(), "https://ch.example.com:8443/");
  EXPECT_EQ(e->Redacted(), "https://alice:***@ch.example.com:8443/team_usage");

  e = ParseClickHouseUrl("http://localhost:9000");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->tls);
  EXPECT_EQ(e->port, 9000);
  EXPECT_EQ(e->user, "default");
  EXPECT_EQ(e->database, "default");
  EXPECT_EQ(e->Redacted(), "http://default@localhost:9000/default");

  e = ParseClickHouseUrl("http://[::1]/db/");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 8123);
  EXPECT_EQ(e->database, "db");
  EXPECT_EQ(e->BaseUrl(), "http://[::1]:8123/");
}

TEST(ClickHouseEndpoint, BadUrlsNameTheFlagAndNeverTheSecret) {
  for (const char* url :
       {"ftp://h/db", "h:8123/db", "http:///db", "http://h:0/db",
        "http://h:65536/db", "http://h:12x/db", "http://h/db?x=1",
        "http://u:pa%zzss@h/db", "http://h/my-db", "http://[::1/db",
        "http://:hunter2@h/db"}) {
    Result<ClickHouseEndpoint> e = ParseClickHouseUrl(url);
    ASSERT_FALSE(e.ok()) << url;
    EXPECT_EQ(e.status().message().rfind("--clickhouse: ", 0), 0u) << url;
    EXPECT_EQ(e.status().message().find("hunter2"), std::string::npos);
    EXPECT_EQ(e.status().message().find("pa%zzss"), std::string::npos);
  }
}

TEST(ClickHouseEndpoint, PasswordFromTheUrlThenTheEnvironmentThenAFile) {
  test::TempDir dir;
  test::WriteFile(dir.Join("pw"), "from-file\r\nsecond line\n");
  ClickHouseEndpoint in_url = *ParseClickHouseUrl("http://u:url-pw@h/db");
  ASSERT_TRUE(ResolvePassword(&in_url, "env-pw", dir.Join("pw")).ok());
  EXPECT_EQ(in_url.password, "url-pw");
  ClickHouseEndpoint from_env = *ParseClickHouseUrl("http://u@h/db");
  ASSERT_TRUE(ResolvePassword(&from_env, "env-pw", dir.Join("pw")).ok());
  EXPECT_EQ(from_env.password, "env-pw");
  ClickHouseEndpoint from_file = *ParseClickHouseUrl("http://u@h/db");
  ASSERT_TRUE(ResolvePassword(&from_file, std::nullopt, dir.Join("pw")).ok());
  EXPECT_EQ(from_file.password, "from-file");
  ClickHouseEndpoint missing = *ParseClickHouseUrl("http://u@h/db");
  Status s = ResolvePassword(&missing, std::nullopt, dir.Join("absent"));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--clickhouse-password-file"), std::string::npos);
}

}  // namespace
}  // namespace cc
