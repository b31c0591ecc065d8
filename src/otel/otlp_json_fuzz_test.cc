// DecodeOtlpJson against protobuf's parser (tests/otlp_json_oracle.h) on
// bodies made at random: messages printed by protobuf, scalars and base64
// one random value at a time, and mutations of valid bodies.
#include "otel/otlp_json.h"

#include <gtest/gtest.h>

#include <string>

#include "otlp_json_oracle.h"

namespace cc::otel {
namespace {

using namespace oracle;  // NOLINT: the oracle's vocabulary, test-only.

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
