#include "otel/settings_merge.h"

#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
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

}  // namespace

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
      bool replaced = false;
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

Result<std::string> WriteClaudeSettings(const std::string& path,
                                        const std::string& endpoint) {
  namespace fs = std::filesystem;
  std::string old = "{}";
  std::string backup;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    old = ss.str();
    if (!in.good() && !in.eof()) return Status::IoError("cannot read " + path);
  }
  Result<std::string> merged = MergeClaudeSettings(old.empty() ? "{}" : old, endpoint);
  if (!merged.ok()) return Status::InvalidArgument(path + ": " + merged.status().message());
  if (fs::exists(path, ec)) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    backup = path + ".bak-" + std::to_string(now.count());
    fs::copy_file(path, backup, fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::IoError("cannot keep a backup as " + backup + ": " + ec.message());
  } else {
    fs::create_directories(fs::path(path).parent_path(), ec);
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << *merged;
    if (!out.good()) return Status::IoError("cannot write " + tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::IoError("cannot replace " + path + ": " + ec.message());
  return backup;
}

}  // namespace cc
