// WebhookChannel against a real receiver on loopback.
#include "alert/webhook_channel.h"

#include <gtest/gtest.h>

#include <chrono>

#include "alert/alert_payload.h"
#include "webhook_receiver.h"

namespace cc {
namespace {

constexpr const char* kSecretPath = "/services/T0ABC1234/B0DEF5678/Zq9xSecret4242";

Alert SomeAlert() {
  Alert a;
  a.id = "threshold:daily:2026-12-08T00:00:00:80";
  a.budget = "daily";
  a.period = "day";
  a.threshold_pct = 80;
  a.unit = "usd";
  a.spent = 16.2;
  a.limit = 20;
  return a;
}

std::unique_ptr<WebhookChannel> Channel(const std::string& url) {
  Result<std::unique_ptr<WebhookChannel>> c = WebhookChannel::Create(url);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(*c) : nullptr;
}

void ExpectNoSecret(const std::string& text) {
  for (const char* part : {"Zq9xSecret4242", "Zq9x", "T0ABC1234", "B0DEF5678"}) {
    EXPECT_EQ(text.find(part), std::string::npos) << text;
  }
}

TEST(WebhookChannel, PostsThePayloadAsJson) {
  test::WebhookReceiver receiver;
  auto channel = Channel(receiver.Url(kSecretPath));
  const Alert alert = SomeAlert();
  const std::string payload = AlertPayloadJson(alert);
  ASSERT_TRUE(channel->Deliver(alert, payload, 5000).ok());
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, kSecretPath);
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_EQ(got[0].body, payload);
}

TEST(WebhookChannel, WhichAnswersAreWorthARetry) {
  test::WebhookReceiver receiver;
  auto channel = Channel(receiver.Url(kSecretPath));
  for (int status : {500, 502, 503, 408, 429}) {
    receiver.Answer(status);
    Status s = channel->Deliver(SomeAlert(), "{}", 5000);
    EXPECT_FALSE(s.ok()) << status;
    EXPECT_FALSE(IsPermanentFailure(s)) << status << ": " << s.message();
    EXPECT_NE(s.message().find("HTTP " + std::to_string(status)), std::string::npos);
  }
  for (int status : {400, 401, 403, 404, 410, 301}) {
    receiver.Answer(status);
    Status s = channel->Deliver(SomeAlert(), "{}", 5000);
    EXPECT_TRUE(IsPermanentFailure(s)) << status << ": " << s.message();
  }
  receiver.Answer(204);
  EXPECT_TRUE(channel->Deliver(SomeAlert(), "{}", 5000).ok());
}

TEST(WebhookChannel, ARefusedConnectionIsWorthARetry) {
  std::string url;
  {
    test::WebhookReceiver gone;
    url = gone.Url(kSecretPath);
  }
  auto channel = Channel(url);
  Status s = channel->Deliver(SomeAlert(), "{}", 5000);
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(IsPermanentFailure(s));
  EXPECT_EQ(s.message().rfind("webhook http://127.0.0.1:", 0), 0u) << s.message();
  ExpectNoSecret(s.message());
}

TEST(WebhookChannel, ASlowReceiverIsCutOffAtTheTimeLimit) {
  test::WebhookReceiver receiver;
  receiver.Delay(1500);
  auto channel = Channel(receiver.Url(kSecretPath));
  const auto start = std::chrono::steady_clock::now();
  Status s = channel->Deliver(SomeAlert(), "{}", 200);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(IsPermanentFailure(s));
  EXPECT_LT(took, std::chrono::milliseconds(1200)) << s.message();
  ExpectNoSecret(s.message());
}

// A receiver that quotes the request in its error answer: the message
// keeps its words, never the URL's secret parts.
TEST(WebhookChannel, AnEchoOfTheUrlIsScrubbed) {
  test::WebhookReceiver receiver;
  receiver.Echo(true);
  receiver.Answer(404);
  auto channel = Channel(receiver.Url(std::string(kSecretPath) + "?token=q1w2e3r4"));
  Status s = channel->Deliver(SomeAlert(), "{}", 5000);
  ASSERT_TRUE(IsPermanentFailure(s));
  EXPECT_NE(s.message().find("answered HTTP 404: you sent [redacted]"),
            std::string::npos)
      << s.message();
  ExpectNoSecret(s.message());
  EXPECT_EQ(s.message().find("q1w2e3r4"), std::string::npos) << s.message();
}

TEST(WebhookChannel, OnlyHttpUrlsWithAHost) {
  for (const char* url : {"file:///etc/passwd", "hooks.slack.com/services/x",
                          "http://", "https:///path", "ftp://h/x", ""}) {
    Result<std::unique_ptr<WebhookChannel>> c = WebhookChannel::Create(url);
    ASSERT_FALSE(c.ok()) << url;
    EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  }
  Result<std::unique_ptr<WebhookChannel>> c =
      WebhookChannel::Create("hooks.slack.com/services/T0/B0/Zq9xSecret4242");
  ASSERT_FALSE(c.ok());
  ExpectNoSecret(c.status().message());
}

}  // namespace
}  // namespace cc
