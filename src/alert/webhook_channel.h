// WebhookChannel: POSTs the payload as JSON (Slack and Discord incoming
// webhooks read its `text` / `content`; anything else reads the fields).
//
// A 2xx answer is delivered. 408, 429 and 5xx answers, and failures to get
// an answer (refused, timed out, DNS, TLS), are worth a retry; any other
// answer (3xx: redirects are not followed; 4xx) is refused for good. Each
// attempt is bounded: 5 s to connect, 10 s in all (less when the caller's
// time limit is shorter). The URL is a secret: messages show RedactedUrl
// and scrub what the receiver or libcurl said (url_secrets.h).
// Thread safety: one thread at a time (the HTTP client's connection).
#pragma once

#include <memory>
#include <string>

#include "alert/alert_channel.h"
#include "core/result.h"

namespace cc {

class HttpClient;

// OK when `url` is http:// or https:// with a host; else InvalidArgument
// saying so, with the URL redacted.
Status CheckWebhookUrl(const std::string& url);

class WebhookChannel final : public AlertChannel {
 public:
  // CheckWebhookUrl's error for a bad `url`.
  static Result<std::unique_ptr<WebhookChannel>> Create(
      std::string url, std::unique_ptr<HttpClient> client);
  // Over libcurl (clickhouse/http_client.h).
  static Result<std::unique_ptr<WebhookChannel>> Create(std::string url);
  ~WebhookChannel() override;

  const char* name() const override { return "webhook"; }
  Status Deliver(const Alert& alert, std::string_view payload,
                 int64_t time_limit_ms) override;

 private:
  WebhookChannel(std::string url, std::unique_ptr<HttpClient> client);
  std::string Describe() const;  // "webhook https://host/[redacted]"

  const std::string url_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace cc
