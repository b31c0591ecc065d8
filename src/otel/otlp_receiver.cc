#include "otel/otlp_receiver.h"

#include <httplib.h>

#include <thread>

#include "core/listen.h"
#include "otel/otlp_codec.h"

namespace cc {
namespace {

// google.rpc.Code values.
constexpr int kInvalidArgument = 3;
constexpr int kUnavailable = 14;

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
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_tcp_nodelay(true);  // Small answers go out at once.
    server_.Post("/v1/logs", [this](const httplib::Request& q, httplib::Response& a) {
      Export(OtlpSignal::kLogs, q, a);
    });
    server_.Post("/v1/metrics", [this](const httplib::Request& q, httplib::Response& a) {
      Export(OtlpSignal::kMetrics, q, a);
    });
    // Every other path and method.
    server_.set_error_handler([](const httplib::Request& q, httplib::Response& a) {
      if (!a.body.empty()) return;  // An answer of ours (400, 415, 503).
      if (a.status == 413) {
        a.set_content("body over the limit\n", "text/plain");
        return;
      }
      if (a.status == 404 && (q.path == "/v1/logs" || q.path == "/v1/metrics")) {
        a.status = 405;
        a.set_header("Allow", "POST");
      }
      a.set_content("OTLP/HTTP: POST /v1/logs or /v1/metrics\n", "text/plain");
    });
    Result<int> port = BindListener(server_, options_.host, options_.port, "--otel-port");
    if (!port.ok()) return port.status();
    port_ = *port;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    return Status::Ok();
  }

  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  const OtlpReceiverOptions& options() const { return options_; }

 private:
  void Export(OtlpSignal signal, const httplib::Request& q, httplib::Response& a) {
    const std::optional<OtlpEncoding> encoding =
        OtlpEncodingOf(q.get_header_value("Content-Type"));
    if (!encoding) {
      a.status = 415;
      a.set_content("Content-Type must be application/x-protobuf or application/json\n",
                    "text/plain");
      return;
    }
    Result<OtlpDecoded> decoded = DecodeOtlp(signal, *encoding, q.body);
    if (!decoded.ok()) {
      a.status = 400;
      a.set_content(OtlpStatusBody(*encoding, kInvalidArgument, decoded.status().message()),
                    ContentTypeOf(*encoding));
      return;
    }
    const TelemetryBatch& b = decoded->batch;
    if (!b.requests.empty() || !b.errors.empty() || !b.points.empty()) {
      Result<TelemetryStats> stored = sink_(b);
      if (!stored.ok()) {
        a.status = 503;
        a.set_header("Retry-After", "1");
        a.set_content(OtlpStatusBody(*encoding, kUnavailable,
                                     "the ledger could not store it now: " +
                                         stored.status().message()),
                      ContentTypeOf(*encoding));
        return;
      }
    }
    std::string message;
    if (decoded->rejected > 0) {
      message = std::to_string(decoded->rejected) +
                " Claude Code record(s) could not be used; the first: " +
                decoded->first_error;
    }
    a.status = 200;
    a.set_content(OtlpSuccessBody(signal, *encoding, decoded->rejected, message),
                  ContentTypeOf(*encoding));
  }

  OtlpReceiverOptions options_;
  TelemetrySink sink_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
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
