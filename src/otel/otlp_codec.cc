#include "otel/otlp_codec.h"

#include <google/protobuf/util/json_util.h>

#include "core/clock.h"
#include "google/rpc/status.pb.h"
#include "otel/claude_telemetry.h"
#include "otel/otlp_json.h"

namespace cc {
namespace {

namespace logs_svc = opentelemetry::proto::collector::logs::v1;
namespace metrics_svc = opentelemetry::proto::collector::metrics::v1;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <typename Message>
Status Parse(OtlpEncoding encoding, std::string_view body, Message* m) {
  if (encoding == OtlpEncoding::kProtobuf) {
    if (body.size() > static_cast<size_t>(INT32_MAX) ||
        !m->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return Status::InvalidArgument("the body is not a valid protobuf " +
                                     m->GetTypeName());
    }
    return Status::Ok();
  }
  if (Status s = otel::DecodeOtlpJson(body, m); !s.ok()) {
    return Status::InvalidArgument("the body is not valid OTLP/JSON: " + s.message());
  }
  return Status::Ok();
}

template <typename Message>
std::string Serialize(OtlpEncoding encoding, const Message& m) {
  std::string out;
  if (encoding == OtlpEncoding::kProtobuf) {
    m.SerializeToString(&out);
  } else {
    google::protobuf::util::JsonPrintOptions options;
    (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  }
  return out;
}

OtlpDecoded From(otel::Extracted e) {
  OtlpDecoded d;
  d.batch = std::move(e.batch);
  d.rejected = e.rejected;
  d.first_error = std::move(e.first_error);
  return d;
}

}  // namespace

std::optional<OtlpEncoding> OtlpEncodingOf(std::string_view content_type) {
  const std::string t = Lower(content_type.substr(0, content_type.find(';')));
  std::string_view trimmed = t;
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
  if (trimmed == "application/x-protobuf" || trimmed == "application/protobuf") {
    return OtlpEncoding::kProtobuf;
  }
  if (trimmed == "application/json") return OtlpEncoding::kJson;
  return std::nullopt;
}

const char* ContentTypeOf(OtlpEncoding encoding) {
  return encoding == OtlpEncoding::kProtobuf ? "application/x-protobuf"
                                             : "application/json";
}

Result<OtlpDecoded> DecodeOtlp(OtlpSignal signal, OtlpEncoding encoding,
                               std::string_view body, int64_t now_ms) {
  if (signal == OtlpSignal::kLogs) {
    logs_svc::ExportLogsServiceRequest request;
    if (Status s = Parse(encoding, body, &request); !s.ok()) return s;
    return From(otel::ExtractLogs(request, now_ms));
  }
  metrics_svc::ExportMetricsServiceRequest request;
  if (Status s = Parse(encoding, body, &request); !s.ok()) return s;
  return From(otel::ExtractMetrics(request));
}

Result<OtlpDecoded> DecodeOtlp(OtlpSignal signal, OtlpEncoding encoding,
                               std::string_view body) {
  return DecodeOtlp(signal, encoding, body, SystemClock().NowMs());
}

std::string OtlpSuccessBody(OtlpSignal signal, OtlpEncoding encoding,
                            int64_t rejected, const std::string& message) {
  if (signal == OtlpSignal::kLogs) {
    logs_svc::ExportLogsServiceResponse r;
    if (rejected > 0 || !message.empty()) {
      r.mutable_partial_success()->set_rejected_log_records(rejected);
      r.mutable_partial_success()->set_error_message(message);
    }
    return Serialize(encoding, r);
  }
  metrics_svc::ExportMetricsServiceResponse r;
  if (rejected > 0 || !message.empty()) {
    r.mutable_partial_success()->set_rejected_data_points(rejected);
    r.mutable_partial_success()->set_error_message(message);
  }
  return Serialize(encoding, r);
}

std::string OtlpStatusBody(OtlpEncoding encoding, int code,
                           const std::string& message) {
  google::rpc::Status s;
  s.set_code(code);
  s.set_message(message);
  return Serialize(encoding, s);
}

}  // namespace cc
