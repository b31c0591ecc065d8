#include "otel/otlp_receiver.h"

#include <httplib.h>

#include <cctype>
#include <thread>

#include "core/listen.h"
#include "otel/gzip_inflater.h"
#include "otel/otlp_codec.h"

namespace cc {
namespace {

// google.rpc.Code values.
constexpr int kInvalidArgument = 3;
constexpr int kNotFound = 5;
constexpr int kUnimplemented = 12;
constexpr int kUnavailable = 14;

// Where the pre-routing handler moves a request's Content-Encoding, so that
// httplib does not inflate the body itself (0.11 would, without a limit)
// and the body reaches us as sent.
constexpr char kBodyEncodingHeader[] = "X-Context-Cleaner-Content-Encoding";

// How much more than the limit is read off the wire, and dropped, after a
// body is refused, so that the 413 goes out on a connection still in step
// (the exporter reads it after sending the whole body). Past this the
// connection is closed.
constexpr size_t kDrainFactor = 4;

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int RpcCodeOf(int http_status) {
  switch (http_status) {
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
void AnswerError(const httplib::Request& q, httplib::Response& a, int status,
                 const std::string& message) {
  const OtlpEncoding encoding =
      OtlpEncodingOf(q.get_header_value("Content-Type"))
          .value_or(OtlpEncoding::kProtobuf);
  a.status = status;
  a.set_content(OtlpStatusBody(encoding, RpcCodeOf(status), message),
                ContentTypeOf(encoding));
}

bool IsOtlpPath(const std::string& path) {
  return path == "/v1/logs" || path == "/v1/metrics";
}

std::string NotServedMessage(const httplib::Request& q) {
  return q.method + " " + q.path +
         " is not served: OTLP/HTTP here is POST /v1/logs or /v1/metrics";
}

// Moves Content-Encoding out of httplib's sight (see kBodyEncodingHeader).
// The request is httplib's own non-const object, handed to the
// pre-routing handler as const; this runs before its body is read.
void HideContentEncoding(const httplib::Request& q) {
  auto& headers = const_cast<httplib::Headers&>(q.headers);
  headers.erase(kBodyEncodingHeader);
  auto [begin, end] = headers.equal_range("Content-Encoding");
  std::string encoding;
  for (auto it = begin; it != end; ++it) {
    encoding += (encoding.empty() ? "" : ", ") + it->second;
  }
  headers.erase(begin, end);
  if (!encoding.empty()) headers.emplace(kBodyEncodingHeader, encoding);
}

enum class BodyRead { kOk, kTooLarge, kCorrupt, kBroken };

struct Body {
  BodyRead outcome = BodyRead::kOk;
  std::string bytes;    // The body as decoded, when kOk.
  std::string message;  // Why not, otherwise.
  bool drained = true;  // The whole body was read off the wire.
};

// Reads a body, gzip'd or not, keeping at most max_bytes of it both as
// sent and inflated. Over the limit, the rest is read and dropped, up to
// kDrainFactor times the limit.
Body ReadBody(const httplib::ContentReader& read, httplib::Response& a,
              bool gzip, size_t max_bytes) {
  Body body;
  GzipInflater inflater(max_bytes);
  size_t wire_bytes = 0;
  bool too_large = false;
  Status corrupt;
  const bool complete = read([&](const char* data, size_t n) {
    wire_bytes += n;
    if (too_large || !corrupt.ok()) {
      return wire_bytes <= kDrainFactor * max_bytes;
    }
    if (gzip) {
      corrupt = inflater.Feed(std::string_view(data, n));
      too_large = inflater.over_limit();
    } else if (body.bytes.size() + n > max_bytes) {
      too_large = true;
      std::string().swap(body.bytes);
    } else {
      body.bytes.append(data, n);
    }
    return true;
  });
  body.drained = complete;
  if (too_large || a.status == 413) {  // 413: httplib, from Content-Length.
    body.outcome = BodyRead::kTooLarge;
    body.message = "the body is over the limit of " +
                   std::to_string(max_bytes) + " bytes" +
                   (gzip ? " (after inflating it)" : "");
  } else if (!complete) {
    body.outcome = BodyRead::kBroken;
    body.message = "the body could not be read to its end";
  } else if (gzip && corrupt.ok()) {
    corrupt = inflater.Finish();
  }
  if (body.outcome == BodyRead::kOk && !corrupt.ok()) {
    body.outcome = BodyRead::kCorrupt;
    body.message = corrupt.message();
  }
  if (body.outcome == BodyRead::kOk && gzip) {
    body.bytes = std::move(inflater.output());
  }
  return body;
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
    // httplib checks a Content-Length against this; ReadBody holds the
    // limit for chunked and gzip bodies, which httplib 0.11 would not.
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_tcp_nodelay(true);  // Small answers go out at once.
    server_.set_pre_routing_handler(
        [](const httplib::Request& q, httplib::Response&) {
          HideContentEncoding(q);
          return httplib::Server::HandlerResponse::Unhandled;
        });
    server_.Post("/v1/logs",
                 [this](const httplib::Request& q, httplib::Response& a,
                        const httplib::ContentReader& read) {
                   Export(OtlpSignal::kLogs, q, a, read);
                 });
    server_.Post("/v1/metrics",
                 [this](const httplib::Request& q, httplib::Response& a,
                        const httplib::ContentReader& read) {
                   Export(OtlpSignal::kMetrics, q, a, read);
                 });
    // Any other request with a body: its body is read with the same limit
    // (httplib would read it whole) and dropped.
    const auto not_served = [this](const httplib::Request& q,
                                   httplib::Response& a,
                                   const httplib::ContentReader& read) {
      const Body body = ReadBody(read, a, false, options_.max_body_bytes);
      if (!body.drained) a.set_header("Connection", "close");
      NotServed(q, a);
    };
    server_.Post(".*", not_served);
    server_.Put(".*", not_served);
    server_.Patch(".*", not_served);
    server_.Delete(".*", not_served);
    // Requests without a body, and httplib's own errors (a malformed
    // request line, ...): every error answer is a google.rpc.Status.
    server_.set_error_handler(
        [](const httplib::Request& q, httplib::Response& a) {
          if (!a.body.empty()) return;  // An answer of ours.
          if (a.status == 404) {
            NotServed(q, a);
          } else {
            AnswerError(q, a, a.status,
                        std::string("the request is not valid HTTP for "
                                    "OTLP/HTTP (status ") +
                            std::to_string(a.status) + ")");
          }
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
  static void NotServed(const httplib::Request& q, httplib::Response& a) {
    if (IsOtlpPath(q.path)) {
      a.set_header("Allow", "POST");
      AnswerError(q, a, 405, NotServedMessage(q));
    } else {
      AnswerError(q, a, 404, NotServedMessage(q));
    }
  }

  void Export(OtlpSignal signal, const httplib::Request& q,
              httplib::Response& a, const httplib::ContentReader& read) {
    const std::optional<OtlpEncoding> encoding =
        OtlpEncodingOf(q.get_header_value("Content-Type"));
    const std::string content_encoding =
        Lower(q.get_header_value(kBodyEncodingHeader));
    const bool gzip = content_encoding == "gzip";
    const bool known_encoding =
        gzip || content_encoding.empty() || content_encoding == "identity";
    // The body is read (and dropped) even when it will be refused, so
    // that the answer goes out on a connection still in step.
    const Body body = ReadBody(read, a, gzip && encoding && known_encoding,
                               options_.max_body_bytes);
    if (!body.drained) a.set_header("Connection", "close");
    if (!encoding) {
      AnswerError(q, a, 415,
                  "Content-Type " + q.get_header_value("Content-Type") +
                      " is not served: OTLP/HTTP bodies are "
                      "application/x-protobuf or application/json");
      return;
    }
    if (!known_encoding) {
      AnswerError(q, a, 415,
                  "Content-Encoding " + content_encoding +
                      " is not served: OTLP/HTTP bodies are gzip or not "
                      "compressed");
      return;
    }
    switch (body.outcome) {
      case BodyRead::kOk:
        break;
      case BodyRead::kTooLarge:
        AnswerError(q, a, 413, body.message);
        return;
      case BodyRead::kCorrupt:
      case BodyRead::kBroken:
        AnswerError(q, a, 400, body.message);
        return;
    }
    Result<OtlpDecoded> decoded = DecodeOtlp(signal, *encoding, body.bytes);
    if (!decoded.ok()) {
      AnswerError(q, a, 400, decoded.status().message());
      return;
    }
    const TelemetryBatch& b = decoded->batch;
    if (!b.requests.empty() || !b.errors.empty() || !b.points.empty()) {
      Result<TelemetryStats> stored = sink_(b);
      if (!stored.ok()) {
        a.set_header("Retry-After", "1");
        AnswerError(
            q, a, 503,
            "the ledger could not store it now: " + stored.status().message());
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
