// DecodeOtlpJson against protobuf's own JSON parser (JsonStringToMessage
// with unknown fields ignored, the decoder this one replaces), as the
// oracle: hand-written bodies through every branch, random messages
// printed by protobuf, scalars and base64 one by one, and mutated bodies.
// The two must build equal messages, or both refuse, except where
// otlp_json.h says they differ on purpose: ids are hex (the oracle is
// given them in base64), and JSON that RFC 8259 does not allow, integer
// literals beyond 64 bits and empty keys.
#include "otel/otlp_json.h"

#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "test_util.h"

namespace cc::otel {
namespace {

namespace pb = google::protobuf;
namespace common = opentelemetry::proto::common::v1;
namespace logs = opentelemetry::proto::logs::v1;
namespace metrics = opentelemetry::proto::metrics::v1;
using Logs =
    opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using Metrics =
    opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
using Rng = std::mt19937_64;

// --- Ids: hex for OTLP/JSON, base64 for protobuf's JSON mapping. ---

// As protobuf's printer writes bytes: standard base64, padded.
std::string Base64(std::string_view bytes) {
  common::AnyValue v;
  v.set_bytes_value(std::string(bytes));
  std::string json;  // {"bytesValue":"..."}
  EXPECT_TRUE(pb::util::MessageToJsonString(v, &json).ok());
  return json.substr(15, json.size() - 17);
}

std::string Hex(std::string_view bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out += digits[static_cast<unsigned char>(c) >> 4];
    out += digits[static_cast<unsigned char>(c) & 15];
  }
  return out;
}

// A JSON string's content, unescaped by protobuf's parser; nullopt when
// it is not a string protobuf takes.
std::optional<std::string> Unescaped(std::string_view raw) {
  common::AnyValue v;
  pb::util::JsonParseOptions o;
  const std::string json = "{\"stringValue\":\"" + std::string(raw) + "\"}";
  if (!pb::util::JsonStringToMessage(json, &v, o).ok()) return std::nullopt;
  return v.string_value();
}

// Rewrites the string value of every "traceId"/"spanId" key (either
// spelling) with `to`, which gets the raw and the unescaped content
// (nullopt: not a string protobuf takes) and returns the new raw content.
template <typename To>
std::string RewriteIds(const std::string& body, const To& to) {
  std::string out;
  size_t at = 0;
  for (;;) {
    size_t best = std::string::npos, key_end = 0;
    for (const char* key :
         {"\"traceId\"", "\"spanId\"", "\"trace_id\"", "\"span_id\""}) {
      const size_t p = body.find(key, at);
      if (p < best) best = p, key_end = p + std::strlen(key);
    }
    if (best == std::string::npos) break;
    size_t i = key_end;
    while (i < body.size() && std::strchr(" \t\r\n", body[i]) != nullptr) ++i;
    if (i >= body.size() || body[i] != ':') {
      out.append(body, at, key_end - at);
      at = key_end;
      continue;
    }
    ++i;
    while (i < body.size() && std::strchr(" \t\r\n", body[i]) != nullptr) ++i;
    if (i >= body.size() || body[i] != '"') {
      out.append(body, at, i - at);
      at = i;
      continue;
    }
    size_t end = i + 1;
    while (end < body.size() && body[end] != '"')
      end += body[end] == '\\' ? 2u : 1u;
    if (end >= body.size()) break;
    out.append(body, at, i + 1 - at);
    const std::string_view raw =
        std::string_view(body).substr(i + 1, end - i - 1);
    out += to(raw, Unescaped(raw));
    at = end;
  }
  out.append(body, at, std::string::npos);
  return out;
}

std::optional<std::string> FromHex(std::string_view s) {
  if (s.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    const std::string pair(s.substr(i, 2));
    if (pair.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(pair, nullptr, 16));
  }
  return out;
}

// The oracle's view of an OTLP/JSON body: hex ids as base64 ("!" where
// they are not hex, which protobuf refuses as this decoder does; left
// as they are where they are not even a string).
std::string WithBase64Ids(const std::string& body) {
  return RewriteIds(
      body, [](std::string_view raw, const std::optional<std::string>& s) {
        if (!s) return std::string(raw);
        std::optional<std::string> bytes = FromHex(*s);
        return bytes ? Base64(*bytes) : "!";
      });
}

// --- The two decoders and the comparison. ---

template <typename M>
bool Theirs(const std::string& body, M* m) {
  pb::util::JsonParseOptions o;
  o.ignore_unknown_fields = true;
  return pb::util::JsonStringToMessage(WithBase64Ids(body), m, o).ok();
}

template <typename M>
bool Ours(const std::string& body, M* m, std::string* error = nullptr) {
  const Status s = DecodeOtlpJson(body, m);
  if (error != nullptr) *error = s.message();
  return s.ok();
}

// Equal field by field (NaN equal to NaN) and byte for byte (so -0.0 is
// not 0.0).
testing::AssertionResult Same(const pb::Message& ours,
                              const pb::Message& theirs) {
  pb::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  pb::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  std::string diff;
  differencer.ReportDifferencesToString(&diff);
  if (!differencer.Compare(ours, theirs))
    return testing::AssertionFailure() << diff;
  if (ours.SerializeAsString() != theirs.SerializeAsString()) {
    return testing::AssertionFailure()
           << "same fields, different bytes: " << ours.ShortDebugString()
           << " vs " << theirs.ShortDebugString();
  }
  return testing::AssertionSuccess();
}

// Both accept and agree, or both refuse. Returns whether ours accepted.
template <typename M>
bool ExpectAgreement(const std::string& body) {
  M ours, theirs;
  std::string error;
  const bool ours_ok = Ours(body, &ours, &error);
  const bool theirs_ok = Theirs(body, &theirs);
  EXPECT_EQ(ours_ok, theirs_ok)
      << body << "\nours: " << (ours_ok ? "accepted" : error);
  if (ours_ok && theirs_ok) {
    EXPECT_TRUE(Same(ours, theirs)) << body;
  }
  return ours_ok;
}

// --- A strict RFC 8259 checker, for the bodies the two may disagree on. ---

struct JsonFacts {
  bool valid = true;         // RFC 8259 JSON.
  bool big_integer = false;  // An integer literal outside int64/uint64.
  bool empty_key = false;
};

class StrictJson {
 public:
  explicit StrictJson(std::string_view s) : s_(s) {}

  JsonFacts Check() {
    Space();
    facts_.valid = Value(0);
    Space();
    if (i_ != s_.size()) facts_.valid = false;
    return facts_;
  }

 private:
  bool At(char c) const { return i_ < s_.size() && s_[i_] == c; }
  void Space() {
    while (i_ < s_.size() && std::strchr(" \t\r\n", s_[i_]) != nullptr &&
           s_[i_] != '\0')
      ++i_;
  }
  bool Value(int depth) {
    if (depth > 500 || i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{' || c == '[') return Container(depth, c == '{' ? '}' : ']');
    if (c == '"') return String(nullptr);
    for (std::string_view word : {"true", "false", "null"}) {
      if (c == word[0]) return Word(word);
    }
    return Number();
  }
  bool Word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  // An object's members (key: value) or a list's elements, up to `close`.
  bool Container(int depth, char close) {
    ++i_;
    Space();
    if (At(close)) return ++i_, true;
    for (;;) {
      if (close == '}') {
        size_t length = 0;
        if (!At('"') || !String(&length)) return false;
        if (length == 0) facts_.empty_key = true;
        Space();
        if (!At(':')) return false;
        ++i_;
        Space();
      }
      if (!Value(depth + 1)) return false;
      Space();
      if (At(close)) return ++i_, true;
      if (!At(',')) return false;
      ++i_;
      Space();
    }
  }
  bool String(size_t* raw_length) {
    const size_t start = ++i_;
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') {
        if (raw_length != nullptr) *raw_length = i_ - 1 - start;
        return true;
      }
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      if (e == 'u') {
        if (i_ + 4 > s_.size()) return false;
        for (size_t k = 0; k < 4; ++k) {
          if (!std::isxdigit(static_cast<unsigned char>(s_[i_++])))
            return false;
        }
      } else if (e == '\0' || std::strchr("\"\\/bfnrt", e) == nullptr) {
        return false;
      }
    }
    return false;
  }
  bool Digits() {
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > start;
  }
  bool Number() {
    const size_t start = i_;
    const bool negative = At('-');
    if (negative) ++i_;
    const size_t digits = i_;
    if (At('0')) {
      ++i_;
    } else if (!Digits()) {
      return false;
    }
    bool integer = true;
    if (At('.')) {
      ++i_;
      integer = false;
      if (!Digits()) return false;
    }
    if (At('e') || At('E')) {
      ++i_;
      integer = false;
      if (At('+') || At('-')) ++i_;
      if (!Digits()) return false;
    }
    if (integer) {
      const std::string_view magnitude = s_.substr(digits, i_ - digits);
      const std::string_view limit =
          negative ? "9223372036854775808" : "18446744073709551615";
      if (magnitude.size() > limit.size() ||
          (magnitude.size() == limit.size() && magnitude > limit)) {
        facts_.big_integer = true;
      }
    }
    return i_ > start;
  }

  std::string_view s_;
  size_t i_ = 0;
  JsonFacts facts_;
};

JsonFacts Facts(std::string_view body) { return StrictJson(body).Check(); }
// --- Hand-written bodies. ---

std::string Records(const std::string& records) {
  return R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[)" + records +
         "]}]}]}";
}

std::string Attribute(const std::string& value) {
  return Records(R"({"attributes":[{"key":"k","value":)" + value + "}]}");
}

std::string Points(const std::string& metric) {
  return R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[)" + metric +
         "]}]}]}";
}

// `shape` with each '%' replaced by what `token()` returns.
template <typename Token>
std::string Fill(std::string shape, const Token& token) {
  for (size_t at = shape.find('%'); at != std::string::npos;) {
    const std::string value = token();
    shape.replace(at, 1, value);
    at = shape.find('%', at + value.size());
  }
  return shape;
}

// Bodies the decoders must both accept (and agree on) and bodies both must
// refuse: `shape` with each value for its '%' ("%": the values are bodies).
struct Cases {
  std::string shape;
  std::vector<std::string> accepted, refused;
};

template <typename M = Logs>
void ExpectCases(const std::vector<Cases>& table) {
  for (const Cases& c : table) {
    for (const bool accepted : {true, false}) {
      for (const std::string& v : accepted ? c.accepted : c.refused) {
        const std::string body = Fill(c.shape, [&v] { return v; });
        EXPECT_EQ(ExpectAgreement<M>(body), accepted) << body;
      }
    }
  }
}

constexpr const char* kFullLogs = R"({
 "resourceLogs": [{
  "resource": {"attributes": [
    {"key": "service.name", "value": {"stringValue": "claude-code"}},
    {"key": "service.version", "value": {"stringValue": "2.1.39"}}],
    "droppedAttributesCount": 1},
  "futureField": {"x": [1, {"y": null}], "z": "w"},
  "schemaUrl": "https://opentelemetry.io/schemas/1.26.0",
  "scopeLogs": [{"scope": {"name": "com.anthropic.claude_code", "version": "2.1.39",
                           "attributes": [], "droppedAttributesCount": 0},
   "schemaUrl": "",
   "logRecords": [
    {"timeUnixNano": "1756893600000000000", "observedTimeUnixNano": 1756893600000000001,
     "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "EEE19B7EC3C1B174",
     "severityNumber": 9, "severityText": "INFO", "flags": 1, "droppedAttributesCount": 2,
     "eventName": "claude_code.api_request",
     "body": {"stringValue": "claude_code.api_request"},
     "attributes": [
      {"key": "input_tokens", "value": {"intValue": "12"}},
      {"key": "output_tokens", "value": {"intValue": 480}},
      {"key": "cost_usd", "value": {"doubleValue": 0.0123}},
      {"key": "fast", "value": {"boolValue": false}},
      {"key": "raw", "value": {"bytesValue": "aGVsbG8="}},
      {"key": "list", "value": {"arrayValue": {"values": [
        {"stringValue": "a"}, {"intValue": "-7"}, {"arrayValue": {}},
        {"kvlistValue": {"values": [{"key": "inner", "value": {"doubleValue": "NaN"}}]}}]}}},
      {"key": "empty", "value": {}},
      {"key": "none"}]},
    {}]}]}]})";

constexpr const char* kFullMetrics = R"({"resourceMetrics": [{
 "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "claude-code"}}]},
 "scopeMetrics": [{"scope": {"name": "com.anthropic.claude_code"}, "metrics": [
  {"name": "claude_code.token.usage", "unit": "tokens", "description": "d",
   "sum": {"aggregationTemporality": 2, "isMonotonic": true, "dataPoints": [
    {"attributes": [{"key": "type", "value": {"stringValue": "output"}}],
     "startTimeUnixNano": "1756893600000000000", "timeUnixNano": 1756893660000000000,
     "asInt": "480", "flags": 0},
    {"asDouble": 0.25, "exemplars": [{"timeUnixNano": "5", "asInt": 3,
      "spanId": "eee19b7ec3c1b174", "traceId": "5B8EFFF798038103D269B633813FC60C",
      "filteredAttributes": [{"key": "x", "value": {"boolValue": true}}]}]}]}},
  {"name": "g", "gauge": {"dataPoints": [{"asDouble": "Infinity"}, {"asInt": -3}]}},
  {"name": "h", "metadata": [{"key": "m", "value": {"stringValue": "v"}}],
   "histogram": {"aggregationTemporality": "AGGREGATION_TEMPORALITY_DELTA", "dataPoints": [
    {"count": "7", "sum": 12.5, "min": 0, "max": 9.5, "bucketCounts": ["1", 2, "4"],
     "explicitBounds": [1, 2.5, "5"], "flags": 1}]}},
  {"name": "e", "exponentialHistogram": {"aggregationTemporality": 1, "dataPoints": [
    {"count": 3, "scale": -2, "zeroCount": "1", "zeroThreshold": 1e-9,
     "positive": {"offset": -3, "bucketCounts": ["1", 1]}, "negative": {},
     "sum": 4, "min": -1, "max": 3}]}},
  {"name": "s", "summary": {"dataPoints": [{"count": 2, "sum": 3.5,
    "quantileValues": [{"quantile": 0.5, "value": 1}, {"quantile": 1, "value": 2.5}]}]}}
 ]}]}]})";

TEST(OtlpJson, DecodesWhatProtobufsParserDoesWithIdsInHex) {
  Logs ours, theirs;
  std::string error;
  ASSERT_TRUE(Ours(kFullLogs, &ours, &error)) << error;
  ASSERT_TRUE(Theirs(kFullLogs, &theirs));
  EXPECT_TRUE(Same(ours, theirs));
  const logs::LogRecord& r = ours.resource_logs(0).scope_logs(0).log_records(0);
  EXPECT_EQ(Hex(r.trace_id(), false), "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(Hex(r.span_id(), false), "eee19b7ec3c1b174");
  EXPECT_EQ(r.time_unix_nano(), 1'756'893'600'000'000'000u);
  EXPECT_EQ(r.observed_time_unix_nano(), 1'756'893'600'000'000'001u);
  EXPECT_EQ(r.attributes(4).value().bytes_value(), "hello");
  Metrics m, their_metrics;
  ASSERT_TRUE(Ours(kFullMetrics, &m, &error)) << error;
  ASSERT_TRUE(Theirs(kFullMetrics, &their_metrics));
  EXPECT_TRUE(Same(m, their_metrics));
  const metrics::Metric& sum =
      m.resource_metrics(0).scope_metrics(0).metrics(0);
  EXPECT_EQ(Hex(sum.sum().data_points(1).exemplars(0).trace_id(), false),
            "5b8efff798038103d269b633813fc60c");
}

TEST(OtlpJson, AcceptsTheProtoFieldNames) {
  const std::string body =
      R"({"resource_logs":[{"schema_url":"s","scope_logs":[{"log_records":[
    {"time_unix_nano":"1","observed_time_unix_nano":2,"severity_number":"SEVERITY_NUMBER_WARN",
     "severity_text":"w","dropped_attributes_count":"3","trace_id":"00ff","span_id":"",
     "event_name":"e","body":{"kvlist_value":{"values":[{"key":"a","value":{"int_value":"5"}},
     {"key":"b","value":{"array_value":{"values":[{"bool_value":"true"},{"double_value":"1.5"},
     {"bytes_value":"-_8"},{"string_value":"s"}]}}}]}}}]}]}]})";
  EXPECT_TRUE(ExpectAgreement<Logs>(body));
  const std::string metric =
      Points(R"({"name":"x","sum":{"aggregation_temporality":1,
    "is_monotonic":true,"data_points":[{"start_time_unix_nano":"1","time_unix_nano":"2",
    "as_int":"3","exemplars":[{"filtered_attributes":[],"as_double":1,"span_id":"01"}]}]}},
    {"name":"y","histogram":{"data_points":[{"bucket_counts":[1],"explicit_bounds":[2]}]}},
    {"name":"z","exponential_histogram":{"data_points":[{"zero_count":1,"zero_threshold":0.5}]}},
    {"name":"q","summary":{"data_points":[{"quantile_values":[{"quantile":0.9}]}]}})");
  EXPECT_TRUE(ExpectAgreement<Metrics>(metric));
}

TEST(OtlpJson, IntegersAreNumbersOrDecimalStrings) {
  ExpectCases({
      {Attribute(R"({"intValue":%})"),
       {R"("1")", "1", R"("+1")", R"("-1")", "-1", R"("007")", "1e3", "1.0",
        "-0", "-0.0", "9223372036854775807", "-9223372036854775808",
        R"("-9223372036854775808")"},
       {R"(" 1")", R"("1 ")", R"("1e3")", R"("1.0")", "1.5", R"("0x10")",
        "9223372036854775808", R"("9223372036854775808")", "1e19", "true",
        R"("")", R"("１")", "{}", R"(["1"])"}},
      {Records(R"({"timeUnixNano":%})"),
       {"18446744073709551615", R"("18446744073709551615")", "-0", "1e19"},
       {"-1", R"("-1")", R"("-0")", "1.8446744073709552e19", R"("1e3")"}},
  });
  for (const char* field : {"droppedAttributesCount", "flags"}) {
    ExpectCases({{Records(std::string("{\"") + field + "\":%}"),
                  {"4294967295", R"("5")", "5.0"},
                  {"4294967296", "-1", R"("-0")", R"("5.0")"}}});
  }
}

TEST(OtlpJson, DoublesAndBoolsAsProtobufReadsThem) {
  ExpectCases({
      {Attribute(R"({"doubleValue":%})"),
       {"1", R"("1")", "1.5", R"("1.5")", R"("NaN")", R"("Infinity")",
        R"("-Infinity")", R"("\t1")", R"("1\t")", R"("0x10")", R"("+1")",
        "1e-400", R"("1e-400")", R"("1.")", R"(".5")", "9007199254740993",
        "18446744073709551615", "-0.0", R"("1\u0000x")"},
       {R"("inf")", R"("nan")", R"(" 1")", R"("1 ")", R"("1e400")", "1e400",
        "true", R"("")", R"("x")", "[]"}},
      {Attribute(R"({"boolValue":%})"),
       {"true", "false", R"("true")", R"("t")", R"("1")", R"("TRUE")", R"("Y")",
        R"("n")", R"("0")", R"("No")", R"("F")"},
       {"1", "0", R"("true ")", R"("tru")", R"("")", "{}"}},
  });
}

TEST(OtlpJson, EnumsAreIntegersOrNamesAndUnknownNamesAreIgnored) {
  ExpectCases({
      {Records(R"({"severityNumber":%})"),
       {"9", R"("9")", R"("SEVERITY_NUMBER_INFO")", R"("severity_number_info")",
        R"("SEVERITY_NUMBER_BOGUS")", R"("99")", "99", "9.0", "-1", R"("9.0")",
        R"(" 9")"},
       {"9.5", "2147483648", "true", "{}"}},
      // An unknown name leaves the earlier value.
      {"%", {Records(R"({"severityNumber":9,"severityNumber":"X"})")}, {}},
  });
  ExpectCases<Metrics>(
      {{"%",
        {Points(
            R"({"sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE"}})")},
        {}}});
}

TEST(OtlpJson, BytesAreCanonicalBase64EitherAlphabet) {
  ExpectCases({{Attribute(R"({"bytesValue":"%"})"),
                {"aGVsbG8=", "aGVsbG8", "-_-_", "+/+/", "", "AA==", "AAA="},
                {"aGV sbG8=", "aGVsbG8==", "aGVsbG9=", "a", "aG=Vs",
                 "AAAA=", "-/", "AA.."}}});
}

TEST(OtlpJson, NullsListsAndDuplicatesAsProtobufsParser) {
  ExpectCases({{
      "%",
      {
          R"({"resourceLogs":null})",
          R"({"resourceLogs":[null,{"schemaUrl":"x"}]})",
          R"({"resourceLogs":{"resource":{}}})",             // One for a list.
          R"({"resourceLogs":[[{"resource":{}}],[[{}]]]})",  // Flattened.
          R"({"resourceLogs":[{"resource":null,"schemaUrl":null}]})",
          R"({"resource_logs":[{"schema_url":"x","schemaUrl":"y"}]})",
          R"({"resourceLogs":[{"schemaUrl":"x","schemaUrl":""}]})",
          R"({"resourceLogs":[{"resource":{"droppedAttributesCount":5},
                           "resource":{"attributes":[{"key":"a"}]}}]})",  // Merged.
          Attribute(R"({"stringValue":null,"intValue":1})"),
          Attribute(
              R"({"arrayValue":{"values":[{"stringValue":"x"},null,[{"boolValue":true}]]}})"),
          Attribute(R"({"kvlistValue":{}})"),
          Records(R"({"body":{"stringValue":"x"},"body":{"intValue":"2"}})"),
          Records(R"({"body":{"kvlistValue":{"values":[{"key":"a"}]}},
                       "body":{"kvlistValue":{"values":[{"key":"b"}]}}})"),
          Records(R"({"attributes":[{"key":"a"}],"attributes":{"key":"b"}})"),
          Records(R"({"attributes":[{"key":"a","key":null,"value":null}]})"),
      },
      {
          Attribute(
              R"({"stringValue":"x","intValue":1})"),  // One oneof, twice.
          Attribute(R"({"stringValue":"x","string_value":"y"})"),
          R"({"resourceLogs":[1]})",
          R"({"resourceLogs":"x"})",
          R"({"resourceLogs":[{"resource":[]}]})",
          R"({"resourceLogs":[{"resource":5}]})",
          R"({"resourceLogs":[{"schemaUrl":5}]})",
          R"({"resourceLogs":[{"schemaUrl":{}}]})",
          R"({"resourceLogs":[{"schemaUrl":["x"]}]})",
          Records(R"({"attributes":"x"})"),
          Records(R"({"body":"x"})"),
      },
  }});
  ExpectCases<Metrics>({{
      "%",
      {
          Points(R"({"sum":null,"gauge":{}})"),
          Points(
              R"({"histogram":{"dataPoints":[{"sum":null,"sum":2,"min":1,"max":3}]}})"),
          Points(
              R"({"histogram":{"dataPoints":[{"bucketCounts":5,"explicitBounds":[[1],2]}]}})"),
          Points(R"({"histogram":{"dataPoints":[{"bucketCounts":[1,null,"2"],
                      "bucket_counts":[3],"count":"3","count":4}]}})"),
      },
      {
          Points(R"({"sum":{},"gauge":{}})"),
          Points(R"({"gauge":{"dataPoints":[{"asInt":"5","asDouble":1}]}})"),
          // Proto3 optional.
          Points(R"({"histogram":{"dataPoints":[{"sum":1,"sum":2}]}})"),
          Points(R"({"histogram":{"dataPoints":[{"bucketCounts":[{}]}]}})"),
      },
  }});
}

TEST(OtlpJson, UnknownFieldsAreIgnoredWhateverTheirValue) {
  ExpectCases(
      {{"%",
        {R"({"x":1,"y":"s","z":[1,[2,{"a":null}]],"w":{"v":{}},"u":true})",
         R"({"resourceLogs":[{"scopeLogs":[{"scope":{"x":[]},"x":{}}]}]})",
         Attribute(R"({"x":{"stringValue":5},"stringValue":"ok"})"),
         Records(
             R"({"traceid":"not hex","attributes":[{"key":"a","x":[{}]}]})")},
        {}}});
}

TEST(OtlpJson, ObjectsNestAtMost100DeepAsInProtobufsParser) {
  // resourceLogs[0].resource.attributes[0] and the outer object: 4 deep;
  // each kvlist level adds 3, the innermost value 1.
  auto nested = [](int levels) {
    std::string v = R"({"stringValue":"x"})";
    for (int i = 0; i < levels; ++i) {
      v = R"({"kvlistValue":{"values":[{"key":"k","value":)" + v + "}]}}";
    }
    return R"({"resourceLogs":[{"resource":{"attributes":[{"key":"k","value":)" +
           v + "}]}}]}";
  };
  EXPECT_TRUE(ExpectAgreement<Logs>(nested(31)));   // 98 deep.
  EXPECT_FALSE(ExpectAgreement<Logs>(nested(32)));  // 101 deep.
  // The root and depth - 1 objects in an unknown field.
  auto objects = [](int depth) {
    std::string v = "1";
    for (int i = 1; i < depth; ++i) v = R"({"a":)" + v + "}";
    return R"({"x":)" + v + "}";
  };
  EXPECT_TRUE(ExpectAgreement<Logs>(objects(100)));
  EXPECT_FALSE(ExpectAgreement<Logs>(objects(101)));
  // Lists do not count.
  EXPECT_TRUE(ExpectAgreement<Logs>(R"({"x":)" + std::string(300, '[') +
                                    std::string(300, ']') + "}"));
}

TEST(OtlpJson, ErrorsNameTheFieldAndTheValue) {
  struct Case {
    std::string body, error;
    bool part;  // `error` is a part of the message, not all of it.
  };
  Logs m;
  for (const auto& [body, expected, part] : std::vector<Case>{
           {Records(R"({},{"timeUnixNano":true})"),
            "resourceLogs[0].scopeLogs[0].logRecords[1].timeUnixNano: expected "
            "an unsigned 64-bit integer (a number or a decimal string), got "
            "true",
            false},
           {Records(R"({"traceId":"5b8e"},{"spanId":"zz"})"),
            "resourceLogs[0].scopeLogs[0].logRecords[1].spanId: expected a hex "
            "string, got \"zz\"",
            false},
           {Attribute(R"({"stringValue":"a","intValue":1})"),
            "attributes[0].value.intValue: another member of oneof value",
            true},
           {R"({"resource_logs":[[{"resource":[]}]]})",
            "resource_logs[0][0].resource: expected one value, not a list",
            true},
           {R"({"resourceLogs":[]} x)", "not JSON", true},
           {"[]", "not a JSON object", false},
       }) {
    std::string error;
    EXPECT_FALSE(Ours(body, &m, &error)) << body;
    if (part) {
      EXPECT_NE(error.find(expected), std::string::npos) << error;
    } else {
      EXPECT_EQ(error, expected);
    }
  }
}

TEST(OtlpJson, InvalidJsonTrailingGarbageAndNonObjectsAreRefused) {
  for (
      const char* body :
      {"", "   ", "{", "null", "[]", "5", R"("x")", "{} x", "{}{}",
       "\xEF\xBB\xBF{}", R"({"x":nul})", R"({"x":1}})", "{\"x\":\"\xff\"}",
       R"({"resourceLogs":[{"resource":{"attributes":[{"key":"\ud800"}]}}]})",
       R"({"resourceLogs":[{"resource":{"attributes":[{"key":"\udc00"}]}}]})"}) {
    EXPECT_FALSE(ExpectAgreement<Logs>(body)) << body;
  }
  EXPECT_TRUE(ExpectAgreement<Logs>("{}  \n\t "));
}

// What protobuf 3.21's parser takes and this decoder refuses (otlp_json.h).
TEST(OtlpJson, RefusesWhatOnlyProtobufsLenientParserTakes) {
  for (const char* body : {
           R"({'resourceLogs': [{schemaUrl: 'x'}]})",  // Quotes, bare keys.
           R"({"resourceLogs": [{},],})",              // Trailing commas.
           "{\"resourceLogs\":[{\"schemaUrl\":\"a\tb\"}]}",  // A raw tab.
           R"({"resourceLogs":[{"schemaUrl":"\x"}]})",       // A bad escape.
           R"({"x":1.})",
           R"({"x":00.5})",
           R"({"x":-9223372036854775809})",  // Beyond 64 bits: write -9.2e18.
           R"({"x":18446744073709551616})",
       }) {
    Logs ours, theirs;
    EXPECT_FALSE(Ours(body, &ours)) << body;
    EXPECT_TRUE(Theirs(body, &theirs)) << body;
  }
  // An empty key is an unknown field here; protobuf refuses it at the root
  // and elsewhere reads it as its parent's field.
  Logs m;
  EXPECT_TRUE(Ours(R"({"":1,"resourceLogs":[{"":{"schemaUrl":"x"}}]})", &m));
  EXPECT_EQ(m.resource_logs(0).ByteSizeLong(), 0u);
}

// --- Random messages, printed by protobuf. ---

std::string RandomText(Rng& rng) {
  static constexpr std::string_view kNul("\0", 1);
  static const std::string_view kPieces[] = {
      "a",  "Z",  "0",    " ",  "\"",       "\\",           "/",
      "\n", "\t", "\x01", kNul, "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80",
      "<",  "=",  "+"};
  std::string s;
  for (uint64_t n = rng() % 12; n > 0; --n)
    s += kPieces[rng() % std::size(kPieces)];
  return s;
}

std::string RandomBytes(Rng& rng, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>(rng());
  return s;
}

double RandomDouble(Rng& rng) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  // clang-format off
  static const double kSpecial[] = {
      0.0, -0.0, 1.5, -2.25, 1e300, 5e-324, 0.1, kInfinity, -kInfinity,
      std::numeric_limits<double>::quiet_NaN(), 9007199254740993.0,
      123456789.125};
  // clang-format on
  if (rng() % 2 == 0) return kSpecial[rng() % std::size(kSpecial)];
  double d;
  const uint64_t bits = rng();
  std::memcpy(&d, &bits, sizeof d);
  return std::isnan(d) ? std::numeric_limits<double>::quiet_NaN() : d;
}

// Protobuf prints -0.0 as -0, which both parsers read as the integer 0.
double RandomPrintableDouble(Rng& rng) {
  const double d = RandomDouble(rng);
  return d == 0 ? 0.0 : d;
}

uint64_t RandomU64(Rng& rng) {
  const uint64_t kind = rng() % 4;
  if (kind == 0) return 0;
  if (kind == 1) return rng() % 1000;
  if (kind == 2) return std::numeric_limits<uint64_t>::max() - rng() % 3;
  return rng();
}

int64_t RandomI64(Rng& rng) { return static_cast<int64_t>(RandomU64(rng)); }
uint32_t RandomU32(Rng& rng) { return static_cast<uint32_t>(RandomU64(rng)); }
bool Coin(Rng& rng) { return rng() % 2 == 0; }

void RandomAny(Rng& rng, int depth, common::AnyValue* v);

void RandomAttributes(Rng& rng, int depth,
                      pb::RepeatedPtrField<common::KeyValue>* out) {
  for (uint64_t n = rng() % 4; n > 0; --n) {
    common::KeyValue* kv = out->Add();
    kv->set_key(RandomText(rng));
    if (rng() % 5 != 0) RandomAny(rng, depth + 1, kv->mutable_value());
  }
}

void RandomAny(Rng& rng, int depth, common::AnyValue* v) {
  const uint64_t kind = rng() % (depth < 3 ? 8 : 6);  // 0: no value.
  if (kind == 1) v->set_string_value(RandomText(rng));
  if (kind == 2) v->set_bool_value(Coin(rng));
  if (kind == 3) v->set_int_value(RandomI64(rng));
  if (kind == 4) v->set_double_value(RandomPrintableDouble(rng));
  if (kind == 5) v->set_bytes_value(RandomBytes(rng, rng() % 6));
  if (kind == 6) {
    common::ArrayValue* list = v->mutable_array_value();
    for (uint64_t n = rng() % 3; n > 0; --n)
      RandomAny(rng, depth + 1, list->add_values());
  }
  if (kind == 7)
    RandomAttributes(rng, depth, v->mutable_kvlist_value()->mutable_values());
}

void RandomScope(Rng& rng, common::InstrumentationScope* s) {
  s->set_name(RandomText(rng));
  if (Coin(rng)) s->set_version(RandomText(rng));
  RandomAttributes(rng, 0, s->mutable_attributes());
  if (Coin(rng)) s->set_dropped_attributes_count(RandomU32(rng));
}

void RandomRecord(Rng& rng, logs::LogRecord* r) {
  if (Coin(rng)) r->set_time_unix_nano(RandomU64(rng));
  if (Coin(rng)) r->set_observed_time_unix_nano(RandomU64(rng));
  if (Coin(rng))
    r->set_severity_number(static_cast<logs::SeverityNumber>(rng() % 30));
  if (Coin(rng)) r->set_severity_text(RandomText(rng));
  if (Coin(rng)) RandomAny(rng, 0, r->mutable_body());
  RandomAttributes(rng, 0, r->mutable_attributes());
  if (Coin(rng)) r->set_dropped_attributes_count(RandomU32(rng));
  if (Coin(rng)) r->set_flags(RandomU32(rng));
  if (Coin(rng))
    r->set_trace_id(RandomBytes(rng, rng() % 3 == 0 ? rng() % 20 : 16));
  if (Coin(rng)) r->set_span_id(RandomBytes(rng, 8));
  if (Coin(rng)) r->set_event_name(RandomText(rng));
}

Logs RandomLogs(Rng& rng) {
  Logs req;
  for (uint64_t i = rng() % 3; i > 0; --i) {
    logs::ResourceLogs* rl = req.add_resource_logs();
    if (Coin(rng))
      RandomAttributes(rng, 0, rl->mutable_resource()->mutable_attributes());
    if (Coin(rng)) rl->set_schema_url(RandomText(rng));
    for (uint64_t j = rng() % 3; j > 0; --j) {
      logs::ScopeLogs* sl = rl->add_scope_logs();
      if (Coin(rng)) RandomScope(rng, sl->mutable_scope());
      for (uint64_t k = rng() % 4; k > 0; --k)
        RandomRecord(rng, sl->add_log_records());
    }
  }
  return req;
}

void RandomExemplars(Rng& rng, pb::RepeatedPtrField<metrics::Exemplar>* out) {
  for (uint64_t n = rng() % 3; n > 0; --n) {
    metrics::Exemplar* e = out->Add();
    RandomAttributes(rng, 0, e->mutable_filtered_attributes());
    if (Coin(rng)) e->set_time_unix_nano(RandomU64(rng));
    if (Coin(rng))
      e->set_as_int(RandomI64(rng));
    else if (Coin(rng))
      e->set_as_double(RandomPrintableDouble(rng));
    if (Coin(rng)) e->set_span_id(RandomBytes(rng, 8));
    if (Coin(rng)) e->set_trace_id(RandomBytes(rng, 16));
  }
}

void RandomNumberPoint(Rng& rng, metrics::NumberDataPoint* p) {
  RandomAttributes(rng, 0, p->mutable_attributes());
  if (Coin(rng)) p->set_start_time_unix_nano(RandomU64(rng));
  if (Coin(rng)) p->set_time_unix_nano(RandomU64(rng));
  if (Coin(rng))
    p->set_as_int(RandomI64(rng));
  else if (Coin(rng))
    p->set_as_double(RandomPrintableDouble(rng));
  RandomExemplars(rng, p->mutable_exemplars());
  if (Coin(rng)) p->set_flags(RandomU32(rng));
}

void RandomHistogramPoint(Rng& rng, metrics::HistogramDataPoint* p) {
  RandomAttributes(rng, 0, p->mutable_attributes());
  p->set_time_unix_nano(RandomU64(rng));
  if (Coin(rng)) p->set_count(RandomU64(rng));
  if (Coin(rng)) p->set_sum(RandomPrintableDouble(rng));
  for (uint64_t n = rng() % 4; n > 0; --n) p->add_bucket_counts(RandomU64(rng));
  for (uint64_t n = rng() % 3; n > 0; --n)
    p->add_explicit_bounds(RandomPrintableDouble(rng));
  RandomExemplars(rng, p->mutable_exemplars());
  if (Coin(rng)) p->set_min(RandomPrintableDouble(rng));
  if (Coin(rng)) p->set_max(RandomPrintableDouble(rng));
  if (Coin(rng)) p->set_flags(RandomU32(rng));
}

void RandomBuckets(Rng& rng,
                   metrics::ExponentialHistogramDataPoint::Buckets* b) {
  b->set_offset(static_cast<int32_t>(RandomU32(rng)));
  for (uint64_t n = rng() % 3; n > 0; --n) b->add_bucket_counts(RandomU64(rng));
}

void RandomExponentialPoint(Rng& rng,
                            metrics::ExponentialHistogramDataPoint* p) {
  RandomAttributes(rng, 0, p->mutable_attributes());
  if (Coin(rng)) p->set_count(RandomU64(rng));
  if (Coin(rng)) p->set_sum(RandomPrintableDouble(rng));
  p->set_scale(static_cast<int32_t>(RandomU32(rng)));
  if (Coin(rng)) p->set_zero_count(RandomU64(rng));
  if (Coin(rng)) RandomBuckets(rng, p->mutable_positive());
  if (Coin(rng)) RandomBuckets(rng, p->mutable_negative());
  if (Coin(rng)) p->set_zero_threshold(RandomPrintableDouble(rng));
  RandomExemplars(rng, p->mutable_exemplars());
  if (Coin(rng)) p->set_min(RandomPrintableDouble(rng));
}

void RandomSummaryPoint(Rng& rng, metrics::SummaryDataPoint* p) {
  RandomAttributes(rng, 0, p->mutable_attributes());
  p->set_count(RandomU64(rng));
  p->set_sum(RandomPrintableDouble(rng));
  for (uint64_t n = rng() % 3; n > 0; --n) {
    metrics::SummaryDataPoint::ValueAtQuantile* q = p->add_quantile_values();
    q->set_quantile(RandomPrintableDouble(rng));
    q->set_value(RandomPrintableDouble(rng));
  }
}

metrics::AggregationTemporality RandomTemporality(Rng& rng) {
  return static_cast<metrics::AggregationTemporality>(rng() % 4);
}

void RandomMetric(Rng& rng, metrics::Metric* m) {
  m->set_name(RandomText(rng));
  if (Coin(rng)) m->set_unit(RandomText(rng));
  RandomAttributes(rng, 0, m->mutable_metadata());
  const uint64_t points = rng() % 3;
  // The kind's data points, then its other fields.
  const auto data = [&](auto* kind, auto random_point) {
    for (uint64_t i = 0; i < points; ++i)
      random_point(rng, kind->add_data_points());
    return kind;
  };
  switch (rng() % 6) {
    case 0:
      data(m->mutable_gauge(), RandomNumberPoint);
      break;
    case 1: {
      metrics::Sum* sum = data(m->mutable_sum(), RandomNumberPoint);
      sum->set_aggregation_temporality(RandomTemporality(rng));
      sum->set_is_monotonic(Coin(rng));
      break;
    }
    case 2:
      data(m->mutable_histogram(), RandomHistogramPoint);
      m->mutable_histogram()->set_aggregation_temporality(
          RandomTemporality(rng));
      break;
    case 3:
      data(m->mutable_exponential_histogram(), RandomExponentialPoint);
      m->mutable_exponential_histogram()->set_aggregation_temporality(
          RandomTemporality(rng));
      break;
    case 4:
      data(m->mutable_summary(), RandomSummaryPoint);
      break;
    default:
      break;  // No data.
  }
}

Metrics RandomMetrics(Rng& rng) {
  Metrics req;
  for (uint64_t i = rng() % 3; i > 0; --i) {
    metrics::ResourceMetrics* rm = req.add_resource_metrics();
    if (Coin(rng))
      RandomAttributes(rng, 0, rm->mutable_resource()->mutable_attributes());
    for (uint64_t j = rng() % 3; j > 0; --j) {
      metrics::ScopeMetrics* sm = rm->add_scope_metrics();
      if (Coin(rng)) RandomScope(rng, sm->mutable_scope());
      if (Coin(rng)) sm->set_schema_url(RandomText(rng));
      for (uint64_t k = rng() % 4; k > 0; --k)
        RandomMetric(rng, sm->add_metrics());
    }
  }
  return req;
}

// 64-bit integers are printed as strings; some become numbers, as JSON
// exporters may write them.
std::string SomeIntegersAsNumbers(const std::string& body, Rng& rng) {
  // clang-format off
  static const std::string_view kKeys[] = {
      R"("timeUnixNano":)", R"("observedTimeUnixNano":)",
      R"("startTimeUnixNano":)", R"("asInt":)", R"("intValue":)",
      R"("count":)", R"("zeroCount":)", R"("bucketCounts":)",
      R"("time_unix_nano":)", R"("observed_time_unix_nano":)",
      R"("start_time_unix_nano":)", R"("as_int":)", R"("int_value":)",
      R"("zero_count":)", R"("bucket_counts":)"};
  // clang-format on
  std::string out;
  size_t at = 0;
  for (;;) {
    size_t best = std::string::npos, value = 0;
    for (std::string_view key : kKeys) {
      const size_t p = body.find(key, at);
      if (p < best) best = p, value = p + key.size();
    }
    if (best == std::string::npos) break;
    out.append(body, at, value - at);
    at = value;
    const bool list = at < body.size() && body[at] == '[';
    if (list) out += body[at++];
    for (;;) {  // A quoted integer, or each in a list.
      size_t end = at + 1;
      if (end < body.size() && body[end] == '-') ++end;
      while (end < body.size() &&
             std::isdigit(static_cast<unsigned char>(body[end])))
        ++end;
      const bool integer = at < body.size() && body[at] == '"' &&
                           end < body.size() && body[end] == '"' &&
                           end > at + 1;
      if (!integer) break;
      const bool quoted = !Coin(rng);
      out.append(body, quoted ? at : at + 1,
                 quoted ? end + 1 - at : end - at - 1);
      at = end + 1;
      if (!list || at >= body.size() || body[at] != ',') break;
      out += body[at++];
    }
  }
  out.append(body, at, std::string::npos);
  return out;
}

template <typename M>
std::string PrintedAsOtlpJson(const M& m, Rng& rng) {
  pb::util::JsonPrintOptions o;
  o.preserve_proto_field_names = Coin(rng);
  o.always_print_primitive_fields = Coin(rng);
  o.always_print_enums_as_ints = Coin(rng);
  std::string text;
  EXPECT_TRUE(pb::util::MessageToJsonString(m, &text, o).ok());
  const bool upper = Coin(rng);
  text = RewriteIds(
      text, [&](std::string_view, const std::optional<std::string>& s) {
        // Printed base64 -> the bytes (via the oracle) -> hex.
        common::AnyValue v;
        EXPECT_TRUE(s.has_value());
        EXPECT_TRUE(pb::util::JsonStringToMessage(
                        "{\"bytesValue\":\"" + s.value_or("") + "\"}", &v)
                        .ok());
        return Hex(v.bytes_value(), upper);
      });
  return SomeIntegersAsNumbers(text, rng);
}

template <typename M>
void ExpectRoundTrip(const M& original, Rng& rng) {
  const std::string body = PrintedAsOtlpJson(original, rng);
  M ours, theirs;
  std::string error;
  ASSERT_TRUE(Ours(body, &ours, &error)) << body << "\n" << error;
  ASSERT_TRUE(Theirs(body, &theirs)) << body;
  EXPECT_TRUE(Same(ours, original)) << body;
  EXPECT_TRUE(Same(theirs, original)) << body;
}

TEST(OtlpJson, RandomLogsRoundTripThroughProtobufsPrinter) {
  Rng rng(11);
  for (int i = 0; i < 600; ++i) ExpectRoundTrip(RandomLogs(rng), rng);
}

TEST(OtlpJson, RandomMetricsRoundTripThroughProtobufsPrinter) {
  Rng rng(12);
  for (int i = 0; i < 600; ++i) ExpectRoundTrip(RandomMetrics(rng), rng);
}

// --- Scalars and base64, one random value at a time. ---

std::string RandomNumberLiteral(Rng& rng) {
  std::string s = Coin(rng) ? "-" : "";
  const auto digits = [&](uint64_t n) {
    for (; n > 0; --n) s += static_cast<char>('0' + rng() % 10);
  };
  const uint64_t int_digits = rng() % 22;
  s += int_digits == 0 ? "0"
                       : std::string(1, static_cast<char>('1' + rng() % 9));
  digits(int_digits == 0 ? 0 : int_digits - 1);
  if (rng() % 3 == 0) {
    s += '.';
    digits(1 + rng() % 3);
  }
  if (rng() % 3 == 0) {
    s += "eE"[rng() % 2];
    if (Coin(rng)) s += "+-"[rng() % 2];
    digits(1 + rng() % 3);
  }
  return s;
}

std::string RandomScalarToken(Rng& rng) {
  // clang-format off
  static const char* const kWords[] = {
      "true", "false", "null", "{}", "[]", R"("NaN")", R"("Infinity")",
      R"("-Infinity")", R"("true")", R"("yes")", R"("T")", R"("0")", R"("1")",
      R"("SEVERITY_NUMBER_INFO")", R"("AGGREGATION_TEMPORALITY_DELTA")",
      R"("")", "[1,2]", "[[3]]", R"(["4",null])", "4294967295", "4294967296",
      "2147483647", "-2147483648", "-2147483649", "9223372036854775807",
      "9223372036854775808", "18446744073709551615", "1e19",
      "9.223372036854775807e18"};
  // clang-format on
  const uint64_t kind = rng() % 3;
  if (kind == 0) return kWords[rng() % std::size(kWords)];
  if (kind == 1) return RandomNumberLiteral(rng);
  static constexpr char kChars[] = "0123456789+-.eExXaAfFnNiIyYtT \\";
  std::string s = "\"";
  for (uint64_t n = rng() % 9; n > 0; --n) {
    const char c = kChars[rng() % (sizeof kChars - 1)];
    s += c == '\\' ? std::string("\\t") : std::string(1, c);
  }
  return s + "\"";
}

// Every kind of scalar field, with `%` for the value.
constexpr const char* kLogTemplates[] = {
    R"({"resourceLogs":[{"resource":{"attributes":[{"key":"k","value":{"intValue":%}}]}}]})",
    R"({"resourceLogs":[{"resource":{"attributes":[{"key":"k","value":{"doubleValue":%}}]}}]})",
    R"({"resourceLogs":[{"resource":{"attributes":[{"key":"k","value":{"boolValue":%}}]}}]})",
    R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":%}]}]}]})",
    R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"droppedAttributesCount":%}]}]}]})",
    R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"flags":%}]}]}]})",
    R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":%}]}]}]})",
};
constexpr const char* kMetricTemplates[] = {
    R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"asInt":%}]}}]}]}]})",
    R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":%,"isMonotonic":%}}]}]}]})",
    R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":[%],"explicitBounds":%}]}}]}]}]})",
    R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"exponentialHistogram":{"dataPoints":[{"scale":%,"positive":{"offset":%}}]}}]}]}]})",
};

// Bodies compared with the oracle, accepted among them, and refused on
// purpose.
struct Tally {
  int compared = 0, accepted = 0, deliberate = 0;
};

// Agreement where the decoders should agree; a refusal where ours refuses
// on purpose.
template <typename M>
void ExpectAgreementOrDeliberateRefusal(const std::string& body, Tally* t) {
  const JsonFacts facts = Facts(body);
  if (facts.valid && !facts.big_integer && !facts.empty_key) {
    t->accepted += ExpectAgreement<M>(body) ? 1 : 0;
    ++t->compared;
  } else if (!facts.valid || facts.big_integer) {
    M ours;
    EXPECT_FALSE(Ours(body, &ours)) << body;
    ++t->deliberate;
  }
}

TEST(OtlpJson, EveryScalarKindAgreesOnRandomValues) {
  Rng rng(13);
  Tally t;
  const auto token = [&rng] { return RandomScalarToken(rng); };
  for (size_t i = 0; i < 6000; ++i) {
    ExpectAgreementOrDeliberateRefusal<Logs>(
        Fill(kLogTemplates[i % std::size(kLogTemplates)], token), &t);
    ExpectAgreementOrDeliberateRefusal<Metrics>(
        Fill(kMetricTemplates[i % std::size(kMetricTemplates)], token), &t);
  }
  EXPECT_GT(t.compared, 10'000);
  EXPECT_GT(t.deliberate, 50);  // Integer literals beyond 64 bits.
}

TEST(OtlpJson, Base64AgreesOnRandomStrings) {
  Rng rng(14);
  static constexpr char kChars[] = "AQgwz09+/-_=. \n!";
  int accepted = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string s;
    for (uint64_t n = rng() % 10; n > 0; --n) {
      const char c = kChars[rng() % (sizeof kChars - 1)];
      s += c == '\n' ? std::string("\\n") : std::string(1, c);
    }
    accepted +=
        ExpectAgreement<Logs>(Attribute(R"({"bytesValue":")" + s + "\"}")) ? 1
                                                                           : 0;
  }
  EXPECT_GT(accepted, 1000);
}

// --- Mutations. ---

// The scalar after the next ':' from `at` replaced by a random one; the
// body unchanged when there is none.
std::string WithValueReplaced(std::string body, size_t at, Rng& rng) {
  const size_t colon = body.find(':', at);
  if (colon == std::string::npos || colon + 1 >= body.size()) return body;
  size_t end = colon + 1;
  if (body[end] == '"') {
    for (++end; end < body.size() && body[end] != '"'; ++end)
      end += body[end] == '\\' ? 1u : 0u;
    ++end;
  } else {
    while (end < body.size() && std::strchr(",}]", body[end]) == nullptr) ++end;
  }
  if (end > body.size() || body[colon + 1] == '{' || body[colon + 1] == '[')
    return body;
  return body.replace(colon + 1, end - colon - 1, RandomScalarToken(rng));
}

std::string Mutated(std::string body, Rng& rng) {
  static const char* const kTokens[] = {
      "null", "0", "-1", "1e5", "\"x\"", "{}",        "[]",
      ",",    ":", "\"", "\\",  "true",  "\"NaN\"",   "\"1\"",
      " ",    "[", "]",  "{",   "}",     "\"key\":1,"};
  for (uint64_t m = 1 + rng() % 3; m > 0 && !body.empty(); --m) {
    const size_t at = rng() % body.size();
    switch (const uint64_t kind = rng() % 8) {
      case 0:
      case 1:
      case 2:
        test::DamageBytes(&body, at, kind, rng);
        break;
      case 3:
        body.insert(at, kTokens[rng() % std::size(kTokens)]);
        break;
      case 4:
        body.resize(at);  // Truncated.
        break;
      default:
        body = WithValueReplaced(std::move(body), at, rng);
    }
  }
  return body;
}

template <typename M>
void FuzzAgainstTheOracle(const std::vector<std::string>& seeds, uint64_t seed,
                          int rounds) {
  Rng rng(seed);
  Tally t;
  for (int i = 0; i < rounds; ++i) {
    ExpectAgreementOrDeliberateRefusal<M>(
        Mutated(seeds[static_cast<size_t>(i) % seeds.size()], rng), &t);
  }
  EXPECT_GT(t.compared, rounds / 4);
  EXPECT_GT(t.accepted, rounds / 10);
  EXPECT_GT(t.deliberate, rounds / 10);
}

TEST(OtlpJson, MutatedLogBodiesAgreeWithTheOracle) {
  Rng rng(15);
  std::vector<std::string> seeds = {
      kFullLogs, Attribute(R"({"arrayValue":{"values":[1]}})")};
  for (int i = 0; i < 4; ++i)
    seeds.push_back(PrintedAsOtlpJson(RandomLogs(rng), rng));
  FuzzAgainstTheOracle<Logs>(seeds, 16, 15'000);
}

TEST(OtlpJson, MutatedMetricBodiesAgreeWithTheOracle) {
  Rng rng(17);
  std::vector<std::string> seeds = {kFullMetrics};
  for (int i = 0; i < 4; ++i)
    seeds.push_back(PrintedAsOtlpJson(RandomMetrics(rng), rng));
  FuzzAgainstTheOracle<Metrics>(seeds, 18, 15'000);
}

}  // namespace
}  // namespace cc::otel
