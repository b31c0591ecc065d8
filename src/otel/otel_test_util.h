// Builders for the otel tests (tests only): OTLP requests in protobuf,
// attributes, gzip, and a request serialised and decoded in one call.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <type_traits>

#include "clickhouse/body_compression.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otel/otlp_codec.h"

namespace cc::test {

namespace logs_svc = opentelemetry::proto::collector::logs::v1;
namespace metrics_svc = opentelemetry::proto::collector::metrics::v1;
namespace common = opentelemetry::proto::common::v1;
namespace otel_metrics = opentelemetry::proto::metrics::v1;

// Appends `key` = `value` (a string, as Claude Code sends numbers) to the
// attributes of `m` (a resource, a record, a data point).
template <class Message>
void Attr(Message* m, const std::string& key, const std::string& value) {
  common::KeyValue* kv = m->add_attributes();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

// Appends `key` = `value` as an OTLP int.
template <class Message>
void IntAttr(Message* m, const std::string& key, int64_t value) {
  common::KeyValue* kv = m->add_attributes();
  kv->set_key(key);
  kv->mutable_value()->set_int_value(value);
}

// `data` gzip'd (empty, and the test failed, if it cannot be).
inline std::string GzipOf(const std::string& data) {
  Result<std::string> gz = Gzip(data);
  EXPECT_TRUE(gz.ok());
  return gz.ok() ? *gz : std::string();
}

// `r` in the protobuf wire format.
inline std::string Serialized(const google::protobuf::Message& r) {
  std::string body;
  r.SerializeToString(&body);
  return body;
}

// One claude_code.api_request log (sonnet-4, 1 input token, `output`
// output tokens, 2025-09-03T10:00Z) with request id `id`, serialised.
inline std::string ApiRequestBody(const std::string& id,
                                  const std::string& output = "5") {
  logs_svc::ExportLogsServiceRequest r;
  auto* rec = r.add_resource_logs()->add_scope_logs()->add_log_records();
  rec->set_event_name("claude_code.api_request");
  rec->set_time_unix_nano(1'756'893'600'000'000'000);
  Attr(rec, "model", "claude-sonnet-4-20250514");
  Attr(rec, "request_id", id);
  Attr(rec, "input_tokens", "1");
  Attr(rec, "output_tokens", output);
  return Serialized(r);
}

// `r` serialised and decoded as protobuf, at `now_ms` (the system clock
// when absent); the signal follows the request's type.
template <class Request>
Result<OtlpDecoded> DecodeProtobuf(const Request& r,
                                   std::optional<int64_t> now_ms = {}) {
  constexpr OtlpSignal signal =
      std::is_same_v<Request, logs_svc::ExportLogsServiceRequest>
          ? OtlpSignal::kLogs
          : OtlpSignal::kMetrics;
  const std::string body = Serialized(r);
  return now_ms ? DecodeOtlp(signal, OtlpEncoding::kProtobuf, body, *now_ms)
                : DecodeOtlp(signal, OtlpEncoding::kProtobuf, body);
}

// A claude_code.token.usage sum in a request of its own.
inline otel_metrics::Sum* TokenUsageSum(
    metrics_svc::ExportMetricsServiceRequest* r,
    otel_metrics::AggregationTemporality temporality) {
  auto* m = r->add_resource_metrics()->add_scope_metrics()->add_metrics();
  m->set_name("claude_code.token.usage");
  m->mutable_sum()->set_aggregation_temporality(temporality);
  return m->mutable_sum();
}

}  // namespace cc::test
