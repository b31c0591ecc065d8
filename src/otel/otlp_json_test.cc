// DecodeOtlpJson against protobuf's own JSON parser (JsonStringToMessage
// with unknown fields ignored, the decoder this one replaces), as the
// oracle: hand-written bodies through every branch, random messages
// printed by protobuf, scalars and base64 one by one, and mutated bodies.
// The two must build equal messages, or both refuse, except where
// otlp_json.h says they differ on purpose: ids are hex (the oracle is
// given them in base64), and JSON that RFC 8259 does not allow, integer
// literals beyond 64 bits and empty keys.
#include "otel/otlp_json.h"

#include <gtest/gtest.h>

#include <string>

#include "otlp_json_oracle.h"

namespace cc::otel {
namespace {

using namespace oracle;  // NOLINT: the oracle's vocabulary, test-only.

// --- Hand-written bodies (builders and the full bodies: otlp_json_oracle.h). ---

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

}  // namespace
}  // namespace cc::otel
