#include "otel/otlp_receiver.h"

#include <cctype>
#include <optional>
#include <string_view>

#include "core/listen.h"
#include "http/request_origin.h"
#include "http/server.h"
#include "otel/gzip_inflater.h"
#include "otel/otlp_codec.h"

namespace cc {
namespace {

// google.rpc.Code values.
constexpr int kInvalidArgument = 3;
constexpr int kNotFound = 5;
constexpr int kPermissionDenied = 7;
constexpr int kUnimplemented = 12;
constexpr int kUnavailable = 14;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int RpcCodeOf(int http_status) {
  switch (http_status) {
    case 403:
      return kPermissionDenied;
    case 404:
      return kNotFound;
    case 405:
      return kUnimplemented;
    case 503:
      return kUnavailable;
    default:
      return kInvalidArgument;
  }
}

// Error answers are a google.rpc.Status in the request's encoding;
// protobuf when it has none of ours (OTLP/HTTP's default).
http::Response ErrorAnswer(const http::Request& q, int status, const std::string& message) {
  const OtlpEncoding encoding =
      OtlpEncodingOf(std::string(q.HeaderValue("Content-Type")))
          .value_or(OtlpEncoding::kProtobuf);
  http::Response a;
  a.status = status;
  a.body = OtlpStatusBody(encoding, RpcCodeOf(status), message);
  a.content_type = ContentTypeOf(encoding);
  return a;
}

bool IsOtlpPath(const std::string& path) {
  return path == "/v1/logs" || path == "/v1/metrics";
}

std::optional<OtlpSignal> SignalOf(const std::string& path) {
  if (path == "/v1/logs") return OtlpSignal::kLogs;
  if (path == "/v1/metrics") return OtlpSignal::kMetrics;
  return std::nullopt;
}

// The Content-Encoding values of a request, joined ("" when none).
std::string ContentEncodingOf(const http::Request& q) {
  std::string encoding;
  for (std::string_view v : q.HeaderValues("Content-Encoding")) {
    encoding += (encoding.empty() ? "" : ", ") + Lower(v);
  }
  return encoding;
}

}  // namespace

class OtlpReceiver::Impl {
 public:
  Impl(OtlpReceiverOptions o, TelemetrySink sink)
      : options_(std::move(o)), sink_(std::move(sink)) {}
  ~Impl() { Stop(); }

  Status Start() {
    if (!IsLoopbackHost(options_.host)) {
      return Status::InvalidArgument(
          "--otel-host " + options_.host +
          ": the receiver listens on this machine only (127.0.0.1); Claude "
          "Code runs here");
    }
    http::ServerOptions server;
    server.host = options_.host;
    server.port = options_.port;
    server.port_flag = "--otel-port";
    server.limits.max_body_bytes = options_.max_body_bytes;
    server.screen = [](const http::Request& q) { return Screen(q); };
    server.handler = [this](const http::Request& q) { return Export(q); };
    server.error_response = [](const http::Request& q, int status, const std::string& message) {
      return ErrorAnswer(q, status, message);
    };
    Result<std::unique_ptr<http::Server>> started = http::Server::Start(std::move(server));
    if (!started.ok()) return started.status();
    server_ = std::move(*started);
    return Status::Ok();
  }

  void Stop() {
    if (server_) server_->Stop();
  }

  int port() const { return server_ ? server_->port() : 0; }
  const OtlpReceiverOptions& options() const { return options_; }

 private:
  // Before the body is read: where the request comes from (no browser
  // page, no rebound name), then the path and method.
  static std::optional<http::Response> Screen(const http::Request& q) {
    const std::string foreign = http::ForeignRequestReason(q, http::OriginRule{});
    if (!foreign.empty()) return ErrorAnswer(q, 403, foreign);
    if (IsOtlpPath(q.path) && q.method == "POST") return std::nullopt;
    const std::string message =
        q.method + " " + q.path +
        " is not served: OTLP/HTTP here is POST /v1/logs or /v1/metrics";
    if (!IsOtlpPath(q.path)) return ErrorAnswer(q, 404, message);
    http::Response a = ErrorAnswer(q, 405, message);
    a.SetHeader("Allow", "POST");
    return a;
  }

  http::Response Export(const http::Request& q) {
    const std::string content_type(q.HeaderValue("Content-Type"));
    const std::optional<OtlpEncoding> encoding = OtlpEncodingOf(content_type);
    if (!encoding) {
      return ErrorAnswer(q, 415,
                         "Content-Type " + content_type +
                             " is not served: OTLP/HTTP bodies are "
                             "application/x-protobuf or application/json");
    }
    const std::string content_encoding = ContentEncodingOf(q);
    const bool gzip = content_encoding == "gzip";
    if (!gzip && !content_encoding.empty() && content_encoding != "identity") {
      return ErrorAnswer(q, 415,
                         "Content-Encoding " + content_encoding +
                             " is not served: OTLP/HTTP bodies are gzip or not "
                             "compressed");
    }
    std::string inflated;
    if (gzip) {
      GzipInflater inflater(options_.max_body_bytes);
      Status s = inflater.Feed(q.body);
      if (inflater.over_limit()) {
        return ErrorAnswer(q, 413,
                           "the body is over the limit of " +
                               std::to_string(options_.max_body_bytes) +
                               " bytes (after inflating it)");
      }
      if (s.ok()) s = inflater.Finish();
      if (!s.ok()) return ErrorAnswer(q, 400, s.message());
      inflated = std::move(inflater.output());
    }
    const std::string& body = gzip ? inflated : q.body;
    Result<OtlpDecoded> decoded = DecodeOtlp(*SignalOf(q.path), *encoding, body);
    if (!decoded.ok()) return ErrorAnswer(q, 400, decoded.status().message());
    const TelemetryBatch& b = decoded->batch;
    if (!b.requests.empty() || !b.errors.empty() || !b.points.empty()) {
      Result<TelemetryStats> stored = sink_(b);
      if (!stored.ok()) {
        http::Response a = ErrorAnswer(
            q, 503, "the ledger could not store it now: " + stored.status().message());
        a.SetHeader("Retry-After", "1");
        return a;
      }
    }
    std::string message;
    if (decoded->rejected > 0) {
      message = std::to_string(decoded->rejected) +
                " Claude Code record(s) could not be used; the first: " +
                decoded->first_error;
    }
    http::Response a;
    a.body = OtlpSuccessBody(*SignalOf(q.path), *encoding, decoded->rejected, message);
    a.content_type = ContentTypeOf(*encoding);
    return a;
  }

  OtlpReceiverOptions options_;
  TelemetrySink sink_;
  std::unique_ptr<http::Server> server_;  // Last: stopped before the rest goes.
};

Result<std::unique_ptr<OtlpReceiver>> OtlpReceiver::Start(OtlpReceiverOptions options,
                                                          TelemetrySink sink) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(sink));
  if (Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<OtlpReceiver>(new OtlpReceiver(std::move(impl)));
}

OtlpReceiver::OtlpReceiver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OtlpReceiver::~OtlpReceiver() { Stop(); }
int OtlpReceiver::port() const { return impl_->port(); }
void OtlpReceiver::Stop() { impl_->Stop(); }
std::string OtlpReceiver::Url() const {
  return "http://" + impl_->options().host + ":" + std::to_string(port());
}

}  // namespace cc
