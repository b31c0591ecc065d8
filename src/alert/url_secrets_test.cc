// A webhook URL is a secret: what is shown of it, and what is scrubbed.
#include "alert/url_secrets.h"

#include <gtest/gtest.h>

namespace cc {
namespace {

constexpr const char* kSlack =
    "https://hooks.slack.com/services/T0ABC1234/B0DEF5678/Zq9xSecretToken4242";

TEST(UrlSecrets, ShowsTheSchemeAndHostOnly) {
  EXPECT_EQ(RedactedUrl(kSlack), "https://hooks.slack.com/[redacted]");
  EXPECT_EQ(RedactedUrl("https://discord.com/api/webhooks/1234567890/tok-EN_x"),
            "https://discord.com/[redacted]");
  EXPECT_EQ(RedactedUrl("http://bob:pw@127.0.0.1:8080/hook?key=abc"),
            "http://127.0.0.1:8080/[redacted]");
  EXPECT_EQ(RedactedUrl("http://h.example/?token=abc"), "http://h.example/[redacted]");
  EXPECT_EQ(RedactedUrl("http://h.example:81/"), "http://h.example:81");
  EXPECT_EQ(RedactedUrl("http://h.example"), "http://h.example");
  // Not a URL at all (a typo, a secret pasted alone): nothing of it.
  EXPECT_EQ(RedactedUrl("hooks.slack.com/services/T0/B0/secret"), "[redacted]");
}

TEST(UrlSecrets, ScrubsTheUrlItsPathItsTokensAndItsQuery) {
  EXPECT_EQ(ScrubUrlSecrets(std::string("POST ") + kSlack + " failed", kSlack),
            "POST [redacted] failed");
  EXPECT_EQ(ScrubUrlSecrets("no_such_hook for /services/T0ABC1234/B0DEF5678/"
                            "Zq9xSecretToken4242", kSlack),
            "no_such_hook for [redacted]");
  // The token alone, as a receiver may quote it.
  EXPECT_EQ(ScrubUrlSecrets("invalid token Zq9xSecretToken4242.", kSlack),
            "invalid token [redacted].");
  EXPECT_EQ(ScrubUrlSecrets("bad key=abc123 (user bob:pw)",
                            "http://bob:pw@h/x?key=abc123"),
            "bad [redacted] (user [redacted])");
  // Percent-encoded, as an echo of a form or a URL would show it.
  EXPECT_EQ(ScrubUrlSecrets("q=a%2Fb%3Dc", "http://h/x?a/b=c"), "q=[redacted]");
  // Short segments are words, not secrets.
  EXPECT_EQ(ScrubUrlSecrets("the api v1 is gone", "http://h/api/v1"),
            "the api v1 is gone");
}

TEST(UrlSecrets, ScrubsTheUrlsOfACommandLine) {
  const std::string command =
      std::string("curl -sf -d @- '") + kSlack + "' && echo ok";
  EXPECT_EQ(ScrubSecretsOfUrlsIn(std::string("curl: (22) ") + kSlack + ": 404",
                                 command),
            "curl: (22) [redacted]: 404");
  EXPECT_EQ(ScrubSecretsOfUrlsIn("nothing to hide", "cat > /tmp/x"),
            "nothing to hide");
}

}  // namespace
}  // namespace cc
