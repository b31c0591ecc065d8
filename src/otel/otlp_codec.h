// OTLP/HTTP bodies: export requests in (protobuf or JSON), responses out
// (ExportLogsServiceResponse / ExportMetricsServiceResponse on success,
// google.rpc.Status on an error), in the encoding the request used, as
// the OTLP specification asks. Protobuf types stay inside otel/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "ledger/telemetry_store.h"

namespace cc {

enum class OtlpSignal { kLogs, kMetrics };
enum class OtlpEncoding { kProtobuf, kJson };

// "application/x-protobuf" or "application/json" (parameters ignored).
std::optional<OtlpEncoding> OtlpEncodingOf(std::string_view content_type);
const char* ContentTypeOf(OtlpEncoding encoding);

struct OtlpDecoded {
  TelemetryBatch batch;
  int64_t rejected = 0;     // Claude Code records that could not be used.
  std::string first_error;  // Why the first of them could not.
};

// Decodes an export request and extracts Claude Code's events. An error
// means the body is not an export request of that signal and encoding.
// JSON follows the OTLP/JSON rules: unknown fields are ignored, 64-bit
// integers may be strings, trace and span ids are hex. `now_ms` is "now"
// for the records' timestamp window (core/record_bounds.h): a record dated
// outside it is rejected, one with no time at all is dated now_ms.
Result<OtlpDecoded> DecodeOtlp(OtlpSignal signal, OtlpEncoding encoding,
                               std::string_view body, int64_t now_ms);
// The same with "now" from the system clock (core/clock.h).
Result<OtlpDecoded> DecodeOtlp(OtlpSignal signal, OtlpEncoding encoding,
                               std::string_view body);

// The body of a 200: a full success, or a partial one naming the rejects.
std::string OtlpSuccessBody(OtlpSignal signal, OtlpEncoding encoding,
                            int64_t rejected, const std::string& message);

// The body of an error answer: a google.rpc.Status.
std::string OtlpStatusBody(OtlpEncoding encoding, int code,
                           const std::string& message);

}  // namespace cc
