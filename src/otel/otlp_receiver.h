// OtlpReceiver: OTLP/HTTP for Claude Code's telemetry (POST /v1/logs and
// /v1/metrics on 127.0.0.1:4318), protobuf or JSON, gzip'd or not. Each
// export request becomes one TelemetryBatch handed to the sink (the
// ledger's CommitTelemetry) before the answer, so a 200 means stored:
//
//   200  stored; a partial success names the Claude Code records that
//        could not be used (nothing of them stored, the rest stored)
//   400  not an export request (malformed protobuf or JSON), or a corrupt
//        gzip body
//   413  a body over the limit (16 MiB), as sent or inflated, chunked or not
//   415  a content type other than application/x-protobuf or json, or a
//        Content-Encoding other than gzip
//   503  the ledger could not take it now (retryable; Retry-After)
//   404, 405  another path, another method
//
// Every error carries a google.rpc.Status in the request's encoding
// (protobuf when it has neither). No body is ever held beyond the limit,
// whatever its framing or compression. gRPC (4317) is not served:
// docs/telemetry.md says why.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "ledger/telemetry_store.h"

namespace cc {

struct OtlpReceiverOptions {
  std::string host = "127.0.0.1";  // Loopback only.
  int port = 4318;                 // 0: any free port.
  size_t max_body_bytes = 16 << 20;  // As sent and after inflating.
};

using TelemetrySink = std::function<Result<TelemetryStats>(const TelemetryBatch&)>;

class OtlpReceiver {
 public:
  static Result<std::unique_ptr<OtlpReceiver>> Start(OtlpReceiverOptions options,
                                                     TelemetrySink sink);
  ~OtlpReceiver();
  int port() const;
  std::string Url() const;  // "http://127.0.0.1:4318".
  void Stop();

  class Impl;

 private:
  explicit OtlpReceiver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cc
