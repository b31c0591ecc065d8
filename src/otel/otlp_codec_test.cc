// OTLP bodies -> Claude Code's events: protobuf and JSON give the same
// values; unusable records are rejected one by one with a reason; garbage
// is an error, never a crash (a mutation fuzzer over both encodings).
#include "otel/otlp_codec.h"

#include <gtest/gtest.h>

#include <random>

#include "otel/otel_test_util.h"
#include "test_util.h"

namespace cc {
namespace {

using test::Attr;
using test::DecodeProtobuf;
using test::IntAttr;
using test::logs_svc::ExportLogsServiceRequest;
using test::metrics_svc::ExportMetricsServiceRequest;
namespace common = test::common;
namespace otel_metrics = test::otel_metrics;

// Two api_requests (numbers as strings, as Claude Code sends them, and as
// ints), an api_error, and a user_prompt that is not ours to keep.
std::string LogsProtobuf() {
  ExportLogsServiceRequest r;
  auto* rl = r.add_resource_logs();
  Attr(rl->mutable_resource(), "service.name", "claude-code");
  Attr(rl->mutable_resource(), "service.version", "2.1.39");
  auto* sl = rl->add_scope_logs();
  auto* a = sl->add_log_records();
  a->set_time_unix_nano(1'756'893'600'000'000'000);
  a->mutable_body()->set_string_value("claude_code.api_request");
  Attr(a, "event.name", "api_request");
  Attr(a, "event.timestamp", "2025-09-03T10:00:00.250Z");
  Attr(a, "session.id", "s-1");
  Attr(a, "user.account_uuid", "acc-1");
  Attr(a, "organization.id", "org-1");
  Attr(a, "user.email", "dev@example.com");
  Attr(a, "terminal.type", "vscode");
  Attr(a, "model", "claude-sonnet-4-20250514");
  Attr(a, "request_id", "req_A");
  Attr(a, "input_tokens", "12");
  Attr(a, "output_tokens", "480");
  Attr(a, "cache_read_tokens", "1000");
  Attr(a, "cache_creation_tokens", "50");
  Attr(a, "cost_usd", "0.0123");
  Attr(a, "duration_ms", "2100");
  auto* b = sl->add_log_records();
  b->set_time_unix_nano(1'756'893'700'000'000'000);
  b->set_event_name("claude_code.api_request");
  Attr(b, "model", "claude-opus-4-6");
  Attr(b, "request_id", "req_B");
  IntAttr(b, "input_tokens", 3);
  IntAttr(b, "output_tokens", 7);
  auto* e = sl->add_log_records();
  e->mutable_body()->set_string_value("claude_code.api_error");
  Attr(e, "model", "claude-opus-4-6");
  Attr(e, "status_code", "529");
  Attr(e, "error", "Overloaded");
  Attr(e, "attempt", "2");
  auto* other = sl->add_log_records();
  other->mutable_body()->set_string_value("claude_code.user_prompt");
  return test::Serialized(r);
}

// The same two requests and error as OTLP/JSON: 64-bit integers as
// strings, hex ids, and fields this receiver does not know.
constexpr const char* kLogsJson = R"({
 "resourceLogs": [{
  "resource": {"attributes": [
    {"key": "service.name", "value": {"stringValue": "claude-code"}},
    {"key": "service.version", "value": {"stringValue": "2.1.39"}}]},
  "futureField": {"x": 1},
  "scopeLogs": [{"scope": {"name": "com.anthropic.claude_code"},
   "logRecords": [
    {"timeUnixNano": "1756893600000000000", "traceId": "5b8efff798038103d269b633813fc60c",
     "spanId": "eee19b7ec3c1b174", "severityNumber": 9,
     "body": {"stringValue": "claude_code.api_request"},
     "attributes": [
      {"key": "event.name", "value": {"stringValue": "api_request"}},
      {"key": "event.timestamp", "value": {"stringValue": "2025-09-03T10:00:00.250Z"}},
      {"key": "session.id", "value": {"stringValue": "s-1"}},
      {"key": "user.account_uuid", "value": {"stringValue": "acc-1"}},
      {"key": "organization.id", "value": {"stringValue": "org-1"}},
      {"key": "user.email", "value": {"stringValue": "dev@example.com"}},
      {"key": "terminal.type", "value": {"stringValue": "vscode"}},
      {"key": "model", "value": {"stringValue": "claude-sonnet-4-20250514"}},
      {"key": "request_id", "value": {"stringValue": "req_A"}},
      {"key": "input_tokens", "value": {"stringValue": "12"}},
      {"key": "output_tokens", "value": {"stringValue": "480"}},
      {"key": "cache_read_tokens", "value": {"stringValue": "1000"}},
      {"key": "cache_creation_tokens", "value": {"stringValue": "50"}},
      {"key": "cost_usd", "value": {"stringValue": "0.0123"}},
      {"key": "duration_ms", "value": {"stringValue": "2100"}}]},
    {"timeUnixNano": "1756893700000000000", "eventName": "claude_code.api_request",
     "attributes": [
      {"key": "model", "value": {"stringValue": "claude-opus-4-6"}},
      {"key": "request_id", "value": {"stringValue": "req_B"}},
      {"key": "input_tokens", "value": {"intValue": "3"}},
      {"key": "output_tokens", "value": {"intValue": 7}}]},
    {"body": {"stringValue": "claude_code.api_error"},
     "attributes": [
      {"key": "model", "value": {"stringValue": "claude-opus-4-6"}},
      {"key": "status_code", "value": {"stringValue": "529"}},
      {"key": "error", "value": {"stringValue": "Overloaded"}},
      {"key": "attempt", "value": {"stringValue": "2"}}]},
    {"body": {"stringValue": "claude_code.user_prompt"}}]}]}]})";

void ExpectTheTwoRequests(const OtlpDecoded& d) {
  EXPECT_EQ(d.rejected, 0) << d.first_error;
  ASSERT_EQ(d.batch.requests.size(), 2u);
  const TelemetryRequest& a = d.batch.requests[0];
  EXPECT_EQ(a.key, "req_A");
  EXPECT_EQ(a.request_id, "req_A");
  EXPECT_EQ(a.session_id, "s-1");
  EXPECT_EQ(a.account_uuid, "acc-1");
  EXPECT_EQ(a.organization_id, "org-1");
  EXPECT_EQ(a.user_email, "dev@example.com");
  EXPECT_EQ(a.terminal_type, "vscode");
  EXPECT_EQ(a.app_version, "2.1.39");  // From the resource.
  EXPECT_EQ(a.model, "claude-sonnet-4-20250514");
  EXPECT_EQ(a.tokens.input, 12u);
  EXPECT_EQ(a.tokens.output, 480u);
  EXPECT_EQ(a.tokens.cache_read, 1000u);
  EXPECT_EQ(a.tokens.cache_creation, 50u);
  EXPECT_DOUBLE_EQ(a.cost_usd, 0.0123);
  EXPECT_EQ(a.duration_ms, 2100);
  EXPECT_EQ(a.event_ms, 1'756'893'600'250);  // event.timestamp wins.
  const TelemetryRequest& b = d.batch.requests[1];
  EXPECT_EQ(b.tokens.input, 3u);
  EXPECT_EQ(b.tokens.output, 7u);
  EXPECT_EQ(b.event_ms, 1'756'893'700'000);  // From time_unix_nano.
  ASSERT_EQ(d.batch.errors.size(), 1u);
  EXPECT_EQ(d.batch.errors[0].status_code, "529");
  EXPECT_EQ(d.batch.errors[0].attempt, 2);
}

TEST(OtlpCodec, ProtobufAndJsonGiveTheSameEvents) {
  Result<OtlpDecoded> p = DecodeOtlp(OtlpSignal::kLogs, OtlpEncoding::kProtobuf, LogsProtobuf());
  ASSERT_TRUE(p.ok()) << p.status().message();
  ExpectTheTwoRequests(*p);
  Result<OtlpDecoded> j = DecodeOtlp(OtlpSignal::kLogs, OtlpEncoding::kJson, kLogsJson);
  ASSERT_TRUE(j.ok()) << j.status().message();
  ExpectTheTwoRequests(*j);
}

TEST(OtlpCodec, AnUnusableRecordIsRejectedAloneWithItsReason) {
  ExportLogsServiceRequest r;
  auto* sl = r.add_resource_logs()->add_scope_logs();
  auto add = [&](const std::string& id, const std::string& output, bool with_model) {
    auto* rec = sl->add_log_records();
    rec->set_event_name("claude_code.api_request");
    if (with_model) Attr(rec, "model", "m");
    Attr(rec, "request_id", id);
    Attr(rec, "input_tokens", "1");
    if (!output.empty()) Attr(rec, "output_tokens", output);
  };
  add("ok", "5", true);
  add("negative", "-5", true);
  add("missing", "", true);
  add("no-model", "5", false);
  add("text", "five", true);
  add("fraction", "2.5", true);
  Result<OtlpDecoded> d = DecodeProtobuf(r);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->batch.requests.size(), 1u);
  EXPECT_EQ(d->batch.requests[0].request_id, "ok");
  EXPECT_EQ(d->rejected, 5);
  EXPECT_NE(d->first_error.find("output_tokens"), std::string::npos) << d->first_error;
}

TEST(OtlpCodec, AFractionalDurationIsRoundedAndTheRequestKept) {
  ExportLogsServiceRequest r;
  auto* sl = r.add_resource_logs()->add_scope_logs();
  // An api_request whose duration_ms the caller sets.
  auto add = [&](const std::string& id) {
    auto* rec = sl->add_log_records();
    rec->set_event_name("claude_code.api_request");
    Attr(rec, "model", "m");
    Attr(rec, "request_id", id);
    Attr(rec, "input_tokens", "1");
    Attr(rec, "output_tokens", "480");
    common::KeyValue* kv = rec->add_attributes();
    kv->set_key("duration_ms");
    return kv->mutable_value();
  };
  add("double")->set_double_value(2100.6);
  add("string")->set_string_value("2100.4");
  add("whole")->set_string_value("17");
  auto* err = sl->add_log_records();
  err->set_event_name("claude_code.api_error");
  Attr(err, "duration_ms", "99.5");
  Result<OtlpDecoded> d = DecodeProtobuf(r);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->rejected, 0) << d->first_error;
  ASSERT_EQ(d->batch.requests.size(), 3u);
  EXPECT_EQ(d->batch.requests[0].duration_ms, 2101);
  EXPECT_EQ(d->batch.requests[0].tokens.output, 480u);  // The exact count kept.
  EXPECT_EQ(d->batch.requests[1].duration_ms, 2100);
  EXPECT_EQ(d->batch.requests[2].duration_ms, 17);
  ASSERT_EQ(d->batch.errors.size(), 1u);
  EXPECT_EQ(d->batch.errors[0].duration_ms, 100);
}

TEST(OtlpCodec, APointWithoutARecordedValueIsRejectedNotStoredAsZero) {
  ExportMetricsServiceRequest r;
  auto* tokens =
      test::TokenUsageSum(&r, otel_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* kept = tokens->add_data_points();
  kept->set_time_unix_nano(100);
  kept->set_as_int(480);
  auto* flagged = tokens->add_data_points();
  flagged->set_time_unix_nano(200);
  flagged->set_as_int(0);
  flagged->set_flags(otel_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
  tokens->add_data_points()->set_time_unix_nano(300);  // Neither value.
  Result<OtlpDecoded> d = DecodeProtobuf(r);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->batch.points.size(), 1u);
  EXPECT_DOUBLE_EQ(d->batch.points[0].value, 480);
  EXPECT_EQ(d->rejected, 2);
  EXPECT_NE(d->first_error.find("without a recorded value"), std::string::npos)
      << d->first_error;
}

TEST(OtlpCodec, MetricsKeepTemporalityAndSeries) {
  ExportMetricsServiceRequest r;
  auto* tokens =
      test::TokenUsageSum(&r, otel_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* sm = r.mutable_resource_metrics(0)->mutable_scope_metrics(0);
  auto* p = tokens->add_data_points();
  Attr(p, "type", "output");
  Attr(p, "model", "m");
  p->set_start_time_unix_nano(100);
  p->set_time_unix_nano(200);
  p->set_as_double(480);
  auto* cost = sm->add_metrics();
  cost->set_name("claude_code.cost.usage");
  cost->mutable_sum()->set_aggregation_temporality(
      otel_metrics::AGGREGATION_TEMPORALITY_DELTA);
  auto* c = cost->mutable_sum()->add_data_points();
  c->set_as_double(0.25);
  auto* bad = cost->mutable_sum()->add_data_points();
  bad->set_as_double(-1);
  auto* ignored = sm->add_metrics();
  ignored->set_name("claude_code.session.count");
  ignored->mutable_sum()->add_data_points()->set_as_int(1);
  Result<OtlpDecoded> d = DecodeProtobuf(r);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->batch.points.size(), 2u);
  EXPECT_EQ(d->rejected, 1);
  EXPECT_TRUE(d->batch.points[0].cumulative);
  EXPECT_EQ(d->batch.points[0].attributes, "model=m\ntype=output\n");
  EXPECT_DOUBLE_EQ(d->batch.points[0].value, 480);
  EXPECT_FALSE(d->batch.points[1].cumulative);
  EXPECT_DOUBLE_EQ(d->batch.points[1].value, 0.25);
}

TEST(OtlpCodec, AGaugeCountsItsLatestValueNotTheirSum) {
  ExportMetricsServiceRequest r;
  auto* tokens = r.add_resource_metrics()->add_scope_metrics()->add_metrics();
  tokens->set_name("claude_code.token.usage");
  for (int64_t v : {100, 250}) {
    auto* p = tokens->mutable_gauge()->add_data_points();
    p->set_time_unix_nano(static_cast<uint64_t>(v));
    p->set_as_int(v);
  }
  Result<OtlpDecoded> d = DecodeProtobuf(r);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->batch.points.size(), 2u);
  // Current values: the series' total is 250 (the cumulative rule), not
  // 350 (a delta sum's).
  EXPECT_TRUE(d->batch.points[0].cumulative);
  EXPECT_TRUE(d->batch.points[1].cumulative);
}

TEST(OtlpCodec, ResponsesFollowTheRequestsEncoding) {
  const std::string full = OtlpSuccessBody(OtlpSignal::kLogs, OtlpEncoding::kJson, 0, "");
  EXPECT_EQ(full, "{}");
  const std::string partial =
      OtlpSuccessBody(OtlpSignal::kLogs, OtlpEncoding::kJson, 2, "why");
  EXPECT_NE(partial.find("\"rejectedLogRecords\":\"2\""), std::string::npos) << partial;
  test::logs_svc::ExportLogsServiceResponse r;
  ASSERT_TRUE(r.ParseFromString(
      OtlpSuccessBody(OtlpSignal::kLogs, OtlpEncoding::kProtobuf, 3, "because")));
  EXPECT_EQ(r.partial_success().rejected_log_records(), 3);
  EXPECT_EQ(r.partial_success().error_message(), "because");
  EXPECT_EQ(OtlpEncodingOf("application/x-protobuf"), OtlpEncoding::kProtobuf);
  EXPECT_EQ(OtlpEncodingOf("Application/JSON; charset=utf-8"), OtlpEncoding::kJson);
  EXPECT_FALSE(OtlpEncodingOf("text/plain").has_value());
}

TEST(OtlpCodec, GarbageIsAnErrorNeverACrash) {
  EXPECT_FALSE(DecodeOtlp(OtlpSignal::kLogs, OtlpEncoding::kJson, "{").ok());
  EXPECT_FALSE(DecodeOtlp(OtlpSignal::kLogs, OtlpEncoding::kJson, "[1,2]").ok());
  EXPECT_FALSE(DecodeOtlp(OtlpSignal::kLogs, OtlpEncoding::kProtobuf, "\xff\xff\xff\xff").ok());
  // Mutations of valid bodies: flipped, dropped and inserted bytes.
  std::mt19937_64 rng(7);
  const std::string seeds[] = {LogsProtobuf(), kLogsJson};
  int decoded = 0, refused = 0;
  for (int i = 0; i < 20'000; ++i) {
    const bool json = i % 2 == 1;
    std::string body = seeds[json ? 1 : 0];
    for (int m = 0, n = 1 + static_cast<int>(rng() % 4); m < n; ++m) {
      const size_t at = rng() % body.size();
      const uint64_t kind = rng() % 3;
      test::DamageBytes(&body, at, kind, rng);
      if (body.empty()) body = "x";
    }
    Result<OtlpDecoded> d = DecodeOtlp(
        OtlpSignal::kLogs, json ? OtlpEncoding::kJson : OtlpEncoding::kProtobuf, body);
    if (d.ok()) {
      ++decoded;
      for (const TelemetryRequest& q : d->batch.requests) {
        EXPECT_LE(q.tokens.output, uint64_t{1'000'000'000'000'000});
      }
    } else {
      ++refused;
    }
  }
  EXPECT_GT(decoded, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace cc
