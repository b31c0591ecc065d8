// The oracle for DecodeOtlpJson's tests (src/otel/otlp_json_test.cc,
// otlp_json_fuzz_test.cc): protobuf's own JSON parser (JsonStringToMessage
// with unknown fields ignored, the decoder ours replaces), ids rewritten
// from hex to its base64, the field-by-field and byte-by-byte comparison,
// and a strict RFC 8259 checker for the bodies the two may disagree on
// (otlp_json.h says where, on purpose).
#pragma once

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

#include "otel/otlp_json.h"

namespace cc::otel::oracle {

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
inline std::string Base64(std::string_view bytes) {
  common::AnyValue v;
  v.set_bytes_value(std::string(bytes));
  std::string json;  // {"bytesValue":"..."}
  EXPECT_TRUE(pb::util::MessageToJsonString(v, &json).ok());
  return json.substr(15, json.size() - 17);
}

inline std::string Hex(std::string_view bytes, bool upper) {
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
inline std::optional<std::string> Unescaped(std::string_view raw) {
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

inline std::optional<std::string> FromHex(std::string_view s) {
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
inline std::string WithBase64Ids(const std::string& body) {
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
inline testing::AssertionResult Same(const pb::Message& ours,
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

inline JsonFacts Facts(std::string_view body) { return StrictJson(body).Check(); }


// --- Bodies: builders and two full ones. ---

inline std::string Records(const std::string& records) {
  return R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[)" + records +
         "]}]}]}";
}

inline std::string Attribute(const std::string& value) {
  return Records(R"({"attributes":[{"key":"k","value":)" + value + "}]}");
}

inline std::string Points(const std::string& metric) {
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

inline constexpr const char* kFullLogs = R"({
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

inline constexpr const char* kFullMetrics = R"({"resourceMetrics": [{
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

}  // namespace cc::otel::oracle
