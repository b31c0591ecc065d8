// ScrubSecrets: what a hostile or chatty server may echo, and what is left.
#include "clickhouse/scrub_secrets.h"

#include <gtest/gtest.h>

namespace cc {
namespace {

// Braces alone would also fit the ClickHouseEndpoint overload.
std::string Scrub(std::string_view text,
                  std::vector<std::string_view> secrets) {
  return ScrubSecrets(text, secrets);
}

TEST(ScrubSecrets, ReplacesThePasswordWhereverItAppears) {
  EXPECT_EQ(Scrub("bad key hunter2, really hunter2", {"hunter2"}),
            "bad key [redacted], really [redacted]");
  // Percent-encoded, as a proxy echoing a URL or a form would show it.
  EXPECT_EQ(Scrub("q=pw%21x", {"pw!x"}), "q=[redacted]");
  // No secret, nothing to hide: the text is unchanged.
  EXPECT_EQ(Scrub("Code: 252. DB::Exception: Too many parts", {""}),
            "Code: 252. DB::Exception: Too many parts");
}

TEST(ScrubSecrets, OverlappingMatchesBecomeOneMarker) {
  EXPECT_EQ(Scrub("xababay", {"aba"}), "x[redacted]y");
  EXPECT_EQ(Scrub("aaaa", {"a"}), "[redacted]");
}

TEST(ScrubSecrets, HidesSecretHeaderValuesToTheEndOfTheLine) {
  EXPECT_EQ(Scrub("Host: ch\r\nX-ClickHouse-Key: other one\r\n"
                  "X-ClickHouse-User: bob\r\n",
                  {}),
            "Host: ch\r\nX-ClickHouse-Key: [redacted]\r\n"
            "X-ClickHouse-User: bob\r\n");
  EXPECT_EQ(Scrub("authorization:Basic Ym9iOnB3\nnext", {}),
            "authorization:[redacted]\nnext");
  EXPECT_EQ(Scrub("Proxy-Authorization: Bearer abc", {}),
            "Proxy-Authorization: [redacted]");
  // A JSON echo: the rest of the line goes (more than needed, never less).
  EXPECT_EQ(Scrub("{\"x-clickhouse-key\": \"k\", \"a\": 1}", {}),
            "{\"x-clickhouse-key\": [redacted]");
  // The word alone, without a value, is left as it is.
  EXPECT_EQ(Scrub("Authorization failed for bob", {}),
            "Authorization failed for bob");
}

TEST(ScrubSecrets, HidesThePasswordOfAUrlsUserinfo) {
  EXPECT_EQ(Scrub("GET https://bob:pw@ch.example:8443/db failed", {}),
            "GET https://bob:[redacted]@ch.example:8443/db failed");
  EXPECT_EQ(Scrub("see http://bob@host/ and ftp://h/", {}),
            "see http://bob@host/ and ftp://h/");
  // What ClickHouseEndpoint::Redacted() prints is already safe.
  EXPECT_EQ(Scrub("http://bob:***@host:8123/db: refused", {}),
            "http://bob:***@host:8123/db: refused");
}

TEST(ScrubSecrets, TheEndpointsPasswordIsTheSecret) {
  ClickHouseEndpoint e = *ParseClickHouseUrl("http://bob:s%40fe@h/db");
  EXPECT_EQ(ScrubSecrets("echo: s@fe / s%40fe", e),
            "echo: [redacted] / [redacted]");
}

}  // namespace
}  // namespace cc
