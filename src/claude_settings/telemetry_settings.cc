#include "claude_settings/telemetry_settings.h"

#include <simdjson.h>

#include <utility>
#include <vector>

#include "core/json_writer.h"

namespace cc {
namespace {

std::vector<std::pair<std::string, std::string>> TelemetryEnv(const std::string& endpoint) {
  return {
      {"CLAUDE_CODE_ENABLE_TELEMETRY", "1"},
      {"OTEL_LOGS_EXPORTER", "otlp"},
      {"OTEL_METRICS_EXPORTER", "otlp"},
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", endpoint},
      {"OTEL_LOGS_EXPORT_INTERVAL", "5000"},
      {"OTEL_METRIC_EXPORT_INTERVAL", "10000"},
  };
}

// Per-signal settings that override the general ones: a merge removes
// them, or Claude Code would go on sending logs or metrics elsewhere.
constexpr const char* kOverridingKeys[] = {
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",   "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",   "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
};
constexpr const char* kEndpointKeys[] = {
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
};

bool IsOverriding(const std::string& key) {
  for (const char* k : kOverridingKeys) {
    if (key == k) return true;
  }
  return false;
}

// The "env" object of a settings file, if it has one (`*found` false if not).
Status EnvOf(simdjson::dom::parser& parser, const simdjson::padded_string& text,
             simdjson::dom::object* env, bool* found) {
  simdjson::dom::object top;
  if (auto err = parser.parse(text).get_object().get(top)) {
    return Status::InvalidArgument(std::string("not a JSON object (") +
                                   simdjson::error_message(err) + "); left unchanged");
  }
  simdjson::dom::element e;
  *found = top.at_key("env").get(e) == simdjson::SUCCESS;
  if (*found && e.get_object().get(*env)) {
    return Status::InvalidArgument("\"env\" is not an object; left unchanged");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> OtherTelemetryEndpoint(const std::string& settings_json,
                                           const std::string& endpoint) {
  simdjson::dom::parser parser;
  const simdjson::padded_string text(settings_json);
  simdjson::dom::object env;
  bool found = false;
  if (Status s = EnvOf(parser, text, &env, &found); !s.ok()) return s;
  if (!found) return std::string();
  for (const char* key : kEndpointKeys) {
    std::string_view value;
    if (env.at_key(key).get_string().get(value)) continue;  // Absent or not a string.
    if (!value.empty() && value != endpoint) return std::string(value);
  }
  return std::string();
}

Result<bool> TelemetrySettingsInPlace(const std::string& settings_json,
                                      const std::string& endpoint) {
  simdjson::dom::parser parser;
  const simdjson::padded_string text(settings_json);
  simdjson::dom::object env;
  bool found = false;
  if (Status s = EnvOf(parser, text, &env, &found); !s.ok()) return s;
  if (!found) return false;
  for (const auto& [key, want] : TelemetryEnv(endpoint)) {
    std::string_view value;
    if (env.at_key(key).get_string().get(value) || value != want) return false;
  }
  for (const char* key : kOverridingKeys) {
    simdjson::dom::element ignored;
    if (env.at_key(key).get(ignored) == simdjson::SUCCESS) return false;
  }
  return true;
}

std::string ClaudeTelemetryEnvJson(const std::string& endpoint) {
  JsonWriter w(true);
  w.BeginObject();
  for (const auto& [k, v] : TelemetryEnv(endpoint)) w.Field(k, v);
  w.EndObject();
  std::string out = w.Finish();
  out.pop_back();  // Its final newline.
  return out;
}

Result<std::string> MergeClaudeSettings(const std::string& settings_json,
                                        const std::string& endpoint) {
  simdjson::dom::parser parser;
  simdjson::dom::object top;
  const simdjson::padded_string text(settings_json);
  if (auto err = parser.parse(text).get_object().get(top)) {
    return Status::InvalidArgument(std::string("not a JSON object (") +
                                   simdjson::error_message(err) +
                                   "); left unchanged");
  }
  const auto ours = TelemetryEnv(endpoint);
  JsonWriter w(true);
  w.BeginObject();
  bool had_env = false;
  for (simdjson::dom::key_value_pair kv : top) {
    const std::string key(kv.key);
    if (key != "env") {
      w.Key(key).Number(simdjson::to_string(kv.value));  // As it was.
      continue;
    }
    had_env = true;
    simdjson::dom::object env;
    if (kv.value.get_object().get(env)) {
      return Status::InvalidArgument("\"env\" is not an object; left unchanged");
    }
    w.Key("env").BeginObject();
    for (simdjson::dom::key_value_pair e : env) {
      const std::string name(e.key);
      bool replaced = IsOverriding(name);
      for (const auto& [k, v] : ours) replaced = replaced || k == name;
      if (!replaced) w.Key(name).Number(simdjson::to_string(e.value));
    }
    for (const auto& [k, v] : ours) w.Field(k, v);
    w.EndObject();
  }
  if (!had_env) {
    w.Key("env").BeginObject();
    for (const auto& [k, v] : ours) w.Field(k, v);
    w.EndObject();
  }
  w.EndObject();
  return w.Finish();
}

Result<SettingsUpdate> WriteTelemetrySettings(const std::string& path,
                                           const std::string& endpoint,
                                           bool replace_other_endpoint) {
  return UpdateSettingsFile(path, [&](const std::string& current)
                                      -> Result<std::optional<std::string>> {
    Result<bool> in_place = TelemetrySettingsInPlace(current, endpoint);
    if (!in_place.ok()) return in_place.status();
    if (*in_place) return std::optional<std::string>();
    Result<std::string> other = OtherTelemetryEndpoint(current, endpoint);
    if (!other.ok()) return other.status();
    if (!other->empty() && !replace_other_endpoint) {
      return Status::InvalidArgument("already sends Claude Code's telemetry to " + *other +
                                     "; left unchanged (--force replaces it)");
    }
    Result<std::string> merged = MergeClaudeSettings(current, endpoint);
    if (!merged.ok()) return merged.status();
    return std::optional<std::string>(std::move(*merged));
  });
}

}  // namespace cc
