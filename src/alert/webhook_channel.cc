#include "alert/webhook_channel.h"

#include <algorithm>

#include "alert/url_secrets.h"
#include "clickhouse/http_client.h"
#include "core/utf8.h"

namespace cc {
namespace {

constexpr int64_t kConnectTimeoutMs = 5'000;
constexpr int64_t kTimeoutMs = 10'000;
constexpr size_t kBodyShownBytes = 200;
constexpr size_t kBodyScrubbedBytes = 64 * 1024;

bool HasHttpScheme(const std::string& url) {
  for (const char* scheme : {"http://", "https://"}) {
    const size_t n = std::char_traits<char>::length(scheme);
    if (url.size() > n && url.compare(0, n, scheme) == 0 &&
        url.find_first_of("/?#", n) != n) {
      return true;
    }
  }
  return false;
}

// Whether an answer's status is worth a retry.
bool Transient(long status) {
  return status == 408 || status == 429 || status >= 500;
}

}  // namespace

WebhookChannel::WebhookChannel(std::string url,
                               std::unique_ptr<HttpClient> client)
    : url_(std::move(url)), client_(std::move(client)) {}

WebhookChannel::~WebhookChannel() = default;

Status CheckWebhookUrl(const std::string& url) {
  if (HasHttpScheme(url)) return Status::Ok();
  return Status::InvalidArgument("the alert webhook " + RedactedUrl(url) +
                                 " is not an http:// or https:// URL with a host");
}

Result<std::unique_ptr<WebhookChannel>> WebhookChannel::Create(
    std::string url, std::unique_ptr<HttpClient> client) {
  if (Status s = CheckWebhookUrl(url); !s.ok()) return s;
  return std::unique_ptr<WebhookChannel>(
      new WebhookChannel(std::move(url), std::move(client)));
}

Result<std::unique_ptr<WebhookChannel>> WebhookChannel::Create(
    std::string url) {
  Result<std::unique_ptr<HttpClient>> client = MakeCurlHttpClient({});
  if (!client.ok()) return client.status();
  return Create(std::move(url), std::move(*client));
}

std::string WebhookChannel::Describe() const {
  return "webhook " + RedactedUrl(url_);
}

Status WebhookChannel::Deliver(const Alert&, std::string_view payload,
                               int64_t time_limit_ms) {
  HttpRequest request;
  request.url = url_;
  request.headers = {{"Content-Type", "application/json"},
                     {"User-Agent", "context-cleaner"}};
  request.body = payload;
  const int64_t limit = std::max<int64_t>(time_limit_ms, 1);
  request.timeout_ms = static_cast<long>(std::min(kTimeoutMs, limit));
  request.connect_timeout_ms =
      static_cast<long>(std::min(kConnectTimeoutMs, limit));
  Result<HttpResponse> response = client_->Post(request);
  if (!response.ok()) {
    return Status::IoError(Describe() + ": " +
                           ScrubUrlSecrets(response.status().message(), url_));
  }
  const long status = response->status;
  if (status >= 200 && status < 300) return Status::Ok();
  std::string message = Describe() + " answered HTTP " + std::to_string(status);
  if (status >= 300 && status < 400) {
    message.append(" (a redirect: give the URL it redirects to)");
  }
  // Scrubbed whole, then cut: a cut first could leave half a secret that
  // no longer matches.
  const std::string scrubbed = ScrubUrlSecrets(
      std::string_view(response->body).substr(0, kBodyScrubbedBytes), url_);
  const std::string_view shown = Utf8Prefix(scrubbed, kBodyShownBytes);
  if (!shown.empty()) {
    message.append(": ").append(shown);
    if (shown.size() < scrubbed.size() ||
        response->body.size() > kBodyScrubbedBytes) {
      message.append("...");
    }
  }
  return Transient(status) ? Status::IoError(message)
                           : Status::InvalidArgument(message);
}

}  // namespace cc
