#include "otel/claude_telemetry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <optional>

#include "core/civil_time.h"
#include "core/record_bounds.h"

namespace cc::otel {
namespace {

namespace common = opentelemetry::proto::common::v1;
namespace logs = opentelemetry::proto::logs::v1;
namespace metrics = opentelemetry::proto::metrics::v1;

using Attributes = std::map<std::string, const common::AnyValue*>;

// Resource attributes, then the record's over them.
Attributes Merge(const google::protobuf::RepeatedPtrField<common::KeyValue>& outer,
                 const google::protobuf::RepeatedPtrField<common::KeyValue>& inner) {
  Attributes a;
  for (const common::KeyValue& kv : outer) a[kv.key()] = &kv.value();
  for (const common::KeyValue& kv : inner) a[kv.key()] = &kv.value();
  return a;
}

std::string Text(const Attributes& a, const std::string& key) {
  auto it = a.find(key);
  if (it == a.end()) return "";
  const common::AnyValue& v = *it->second;
  switch (v.value_case()) {
    case common::AnyValue::kStringValue:
      return v.string_value();
    case common::AnyValue::kIntValue:
      return std::to_string(v.int_value());
    case common::AnyValue::kDoubleValue: {
      char buf[64];
      const auto r = std::to_chars(buf, buf + sizeof buf, v.double_value());
      return std::string(buf, r.ptr);
    }
    case common::AnyValue::kBoolValue:
      return v.bool_value() ? "true" : "false";
    default:
      return "";
  }
}

// A number given as an int, a double or a decimal string. Errors name the
// attribute.
Result<double> Number(const Attributes& a, const std::string& key,
                      std::optional<double> fallback) {
  auto it = a.find(key);
  if (it == a.end()) {
    if (fallback) return *fallback;
    return Status::InvalidArgument("missing attribute " + key);
  }
  const common::AnyValue& v = *it->second;
  double d = 0;
  if (v.value_case() == common::AnyValue::kIntValue) {
    d = static_cast<double>(v.int_value());
  } else if (v.value_case() == common::AnyValue::kDoubleValue) {
    d = v.double_value();
  } else if (v.value_case() == common::AnyValue::kStringValue) {
    const std::string& s = v.string_value();
    const auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      return Status::InvalidArgument(key + ": not a number: '" + s.substr(0, 40) + "'");
    }
  } else {
    return Status::InvalidArgument(key + ": not a number");
  }
  if (!std::isfinite(d) || d < 0) {
    return Status::InvalidArgument(key + ": must be a finite number >= 0");
  }
  return d;
}

// A count: a whole number in [0, kMaxTokenCount], the bound transcripts
// are held to too (core/record_bounds.h says why: sums cannot overflow).
Result<uint64_t> Count(const Attributes& a, const std::string& key,
                       std::optional<double> fallback = std::nullopt) {
  Result<double> d = Number(a, key, fallback);
  if (!d.ok()) return d.status();
  if (*d != std::floor(*d)) {
    return Status::InvalidArgument(key + ": must be a whole number");
  }
  if (*d > static_cast<double>(kMaxTokenCount)) {
    return Status::InvalidArgument(key + ": above 2^40, the most a record may carry");
  }
  return static_cast<uint64_t>(*d);
}

// A duration in milliseconds: a whole or fractional number (an int, a
// double or a decimal string), rounded to the nearest millisecond. SDKs
// measure with performance.now(), so fractions are normal, not an error.
Result<int64_t> Milliseconds(const Attributes& a, const std::string& key) {
  Result<double> d = Number(a, key, 0);
  if (!d.ok()) return d.status();
  if (*d > 1e15) return Status::InvalidArgument(key + ": must be below 10^15");
  return static_cast<int64_t>(std::llround(*d));
}

// "api_request" from whichever of the places Claude Code and SDKs put it.
std::string EventName(const logs::LogRecord& r, const Attributes& a) {
  std::string name = r.event_name();
  if (name.empty()) name = Text(a, "event.name");
  if (name.empty() && r.body().value_case() == common::AnyValue::kStringValue) {
    name = r.body().string_value();
  }
  if (name.rfind("claude_code.", 0) == 0) name = name.substr(12);
  return name;
}

// When the record happened: its event.timestamp, else its time, else when
// it was observed; a record with neither time is dated on arrival, as an
// OpenTelemetry Collector sets observed_time_unix_nano.
int64_t EventMs(const logs::LogRecord& r, const Attributes& a, int64_t now_ms) {
  if (std::optional<int64_t> ms = ParseIsoTimestampMs(Text(a, "event.timestamp"))) {
    return *ms;
  }
  const uint64_t ns = r.time_unix_nano() != 0 ? r.time_unix_nano()
                                              : r.observed_time_unix_nano();
  return ns == 0 ? now_ms : static_cast<int64_t>(ns / 1'000'000);
}

// The record's time, if it lies in the window (core/record_bounds.h).
Result<int64_t> DatedEventMs(const logs::LogRecord& r, const Attributes& a,
                             int64_t now_ms) {
  const int64_t ms = EventMs(r, a, now_ms);
  if (const char* why = TimestampOutsideWindow(ms, now_ms)) {
    return Status::InvalidArgument(std::string(why) + " (" +
                                   FormatIsoTimestampMs(ms) + ")");
  }
  return ms;
}

// A stable key for a record without a request id: its content.
std::string ContentKey(const std::string& kind, const logs::LogRecord& r) {
  std::string bytes;
  r.SerializeToString(&bytes);
  return kind + ":" + std::to_string(std::hash<std::string>{}(bytes)) + ":" +
         std::to_string(r.time_unix_nano());
}

Status AddRequest(const logs::LogRecord& r, const Attributes& a, int64_t now_ms,
                  Extracted* out) {
  TelemetryRequest q;
  q.request_id = Text(a, "request_id");
  if (q.request_id.empty()) q.request_id = Text(a, "request.id");
  q.model = Text(a, "model");
  if (q.model.empty()) return Status::InvalidArgument("api_request: missing attribute model");
  Result<uint64_t> input = Count(a, "input_tokens");
  Result<uint64_t> output = Count(a, "output_tokens");
  Result<uint64_t> read = Count(a, "cache_read_tokens", 0);
  Result<uint64_t> create = Count(a, "cache_creation_tokens", 0);
  Result<double> cost = Number(a, "cost_usd", 0);
  Result<int64_t> duration = Milliseconds(a, "duration_ms");
  Result<int64_t> event_ms = DatedEventMs(r, a, now_ms);
  for (const Status& s : {input.status(), output.status(), read.status(),
                          create.status(), cost.status(), duration.status(),
                          event_ms.status()}) {
    if (!s.ok()) return Status::InvalidArgument("api_request: " + s.message());
  }
  q.tokens.input = *input;
  q.tokens.output = *output;
  q.tokens.cache_read = *read;
  q.tokens.cache_creation = *create;
  q.cost_usd = *cost;
  q.duration_ms = *duration;
  q.session_id = Text(a, "session.id");
  q.account_uuid = Text(a, "user.account_uuid");
  q.organization_id = Text(a, "organization.id");
  q.user_email = Text(a, "user.email");
  q.terminal_type = Text(a, "terminal.type");
  q.app_version = Text(a, "app.version");
  if (q.app_version.empty()) q.app_version = Text(a, "service.version");
  q.speed = Text(a, "speed");
  q.event_ms = *event_ms;
  q.key = q.request_id.empty() ? ContentKey("request", r) : q.request_id;
  out->batch.requests.push_back(std::move(q));
  return Status::Ok();
}

Status AddError(const logs::LogRecord& r, const Attributes& a, int64_t now_ms,
                Extracted* out) {
  TelemetryError e;
  e.request_id = Text(a, "request_id");
  e.session_id = Text(a, "session.id");
  e.model = Text(a, "model");
  e.status_code = Text(a, "status_code");
  e.error = Text(a, "error").substr(0, 2000);
  Result<uint64_t> attempt = Count(a, "attempt", 0);
  Result<int64_t> duration = Milliseconds(a, "duration_ms");
  if (!attempt.ok()) return Status::InvalidArgument("api_error: " + attempt.status().message());
  if (!duration.ok()) return Status::InvalidArgument("api_error: " + duration.status().message());
  Result<int64_t> event_ms = DatedEventMs(r, a, now_ms);
  if (!event_ms.ok()) return Status::InvalidArgument("api_error: " + event_ms.status().message());
  e.attempt = static_cast<int64_t>(*attempt);
  e.duration_ms = *duration;
  e.event_ms = *event_ms;
  e.key = ContentKey("error", r);
  out->batch.errors.push_back(std::move(e));
  return Status::Ok();
}

void Reject(Extracted* out, const std::string& why) {
  if (out->rejected++ == 0) out->first_error = why;
}

std::string SeriesOf(const Attributes& a) {
  std::string s;
  for (const auto& [k, v] : a) s.append(k).append("=").append(Text(a, k)).append("\n");
  return s;
}

}  // namespace

Extracted ExtractLogs(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& req,
    int64_t now_ms) {
  Extracted out;
  for (const logs::ResourceLogs& rl : req.resource_logs()) {
    for (const logs::ScopeLogs& sl : rl.scope_logs()) {
      for (const logs::LogRecord& r : sl.log_records()) {
        const Attributes a = Merge(rl.resource().attributes(), r.attributes());
        const std::string name = EventName(r, a);
        Status s = Status::Ok();
        if (name == "api_request") {
          s = AddRequest(r, a, now_ms, &out);
        } else if (name == "api_error") {
          s = AddError(r, a, now_ms, &out);
        }
        if (!s.ok()) Reject(&out, s.message());
      }
    }
  }
  return out;
}

Extracted ExtractMetrics(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& req) {
  Extracted out;
  for (const metrics::ResourceMetrics& rm : req.resource_metrics()) {
    for (const metrics::ScopeMetrics& sm : rm.scope_metrics()) {
      for (const metrics::Metric& m : sm.metrics()) {
        if (m.name() != "claude_code.token.usage" && m.name() != "claude_code.cost.usage") {
          continue;
        }
        const google::protobuf::RepeatedPtrField<metrics::NumberDataPoint>* points = nullptr;
        bool cumulative = false;
        if (m.has_sum()) {
          points = &m.sum().data_points();
          cumulative = m.sum().aggregation_temporality() ==
                       metrics::AGGREGATION_TEMPORALITY_CUMULATIVE;
        } else if (m.has_gauge()) {
          // A gauge holds the current value, not an increment: its latest
          // counts, as a cumulative sum's does.
          points = &m.gauge().data_points();
          cumulative = true;
        } else {
          Reject(&out, m.name() + ": expected a sum");
          continue;
        }
        for (const metrics::NumberDataPoint& p : *points) {
          // Stored as 0, a point without a value would read as a reset of
          // its cumulative series.
          const bool flagged =
              (p.flags() & metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK) !=
              0;
          if (flagged ||
              p.value_case() == metrics::NumberDataPoint::VALUE_NOT_SET) {
            Reject(&out, m.name() + ": a data point without a recorded value");
            continue;
          }
          const double v = p.value_case() == metrics::NumberDataPoint::kAsInt
                               ? static_cast<double>(p.as_int())
                               : p.as_double();
          if (!std::isfinite(v) || v < 0) {
            Reject(&out, m.name() + ": a value must be a finite number >= 0");
            continue;
          }
          if (m.name() == "claude_code.token.usage" &&
              v > static_cast<double>(kMaxTokenCount)) {
            Reject(&out, m.name() + ": a value above 2^40, the most a record may carry");
            continue;
          }
          TelemetryPoint t;
          t.metric = m.name();
          t.attributes = SeriesOf(Merge(rm.resource().attributes(), p.attributes()));
          t.cumulative = cumulative;
          t.start_ns = static_cast<int64_t>(p.start_time_unix_nano());
          t.time_ns = static_cast<int64_t>(p.time_unix_nano());
          t.value = v;
          t.key = t.metric + "\n" + t.attributes + std::to_string(t.start_ns) +
                  "\n" + std::to_string(t.time_ns);
          out.batch.points.push_back(std::move(t));
        }
      }
    }
  }
  return out;
}

}  // namespace cc::otel
