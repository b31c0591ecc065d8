#include "otel/settings_merge.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
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

namespace {

namespace fs = std::filesystem;

constexpr mode_t kNewFileMode = 0600;  // settings.json may hold secrets.

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Writes all of `bytes` to a new file at `path` with exactly `mode`;
// EEXIST (as an IoError) when something is already there.
Status WriteNewFile(const std::string& path, const std::string& bytes,
                    mode_t mode, bool* exists = nullptr) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (exists != nullptr) *exists = errno == EEXIST;
    return Status::IoError(Errno("cannot create " + path));
  }
  Status s = Status::Ok();
  if (::fchmod(fd, mode) != 0)
    s = Status::IoError(Errno("cannot chmod " + path));
  for (size_t done = 0; s.ok() && done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) s = Status::IoError(Errno("cannot write " + path));
    if (n > 0) done += static_cast<size_t>(n);
  }
  if (s.ok() && ::fsync(fd) != 0)
    s = Status::IoError(Errno("cannot sync " + path));
  if (::close(fd) != 0 && s.ok())
    s = Status::IoError(Errno("cannot close " + path));
  if (!s.ok()) ::unlink(path.c_str());
  return s;
}

// The file a write to `path` must replace: `path` itself, or the file its
// symlinks lead to (replacing the link would cut it from its target).
Result<std::string> WriteTarget(const std::string& path) {
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
  const fs::path target = fs::weakly_canonical(path, ec);
  if (ec) {
    return Status::IoError("cannot follow the symlink " + path + ": " +
                           ec.message());
  }
  return target.string();
}

// path + ".bak-<unix seconds>" (then "-2", "-3", ... if taken) holding
// `bytes`: an earlier backup is never overwritten.
Result<std::string> KeepBackup(const std::string& path,
                               const std::string& bytes, mode_t mode) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const std::string stem = path + ".bak-" + std::to_string(now.count());
  for (int n = 1; n < 1000; ++n) {
    const std::string backup = n == 1 ? stem : stem + "-" + std::to_string(n);
    bool exists = false;
    Status s = WriteNewFile(backup, bytes, mode, &exists);
    if (s.ok()) return backup;
    if (!exists) return Status::IoError("cannot keep a backup: " + s.message());
  }
  return Status::IoError("cannot keep a backup: " + stem +
                         "-2 to -999 all exist");
}

}  // namespace

Result<SettingsUpdate> WriteClaudeSettings(const std::string& path,
                                           const std::string& endpoint,
                                           bool replace_other_endpoint) {
  Result<std::string> target = WriteTarget(path);
  if (!target.ok()) return target.status();
  std::string old;
  struct stat st {};
  const bool existed = ::stat(target->c_str(), &st) == 0;
  if (!existed && errno != ENOENT) {
    return Status::IoError(Errno("cannot read " + *target));
  }
  const mode_t mode = existed ? (st.st_mode & 07777) : kNewFileMode;
  if (existed) {
    std::ifstream in(*target, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in.good() && !in.eof())
      return Status::IoError("cannot read " + *target);
    old = ss.str();
  }
  const std::string current = old.empty() ? "{}" : old;
  Result<bool> in_place = TelemetrySettingsInPlace(current, endpoint);
  if (!in_place.ok()) return Status::InvalidArgument(path + ": " + in_place.status().message());
  if (*in_place) return SettingsUpdate{};
  Result<std::string> other = OtherTelemetryEndpoint(current, endpoint);
  if (!other.ok()) return Status::InvalidArgument(path + ": " + other.status().message());
  if (!other->empty() && !replace_other_endpoint) {
    return Status::InvalidArgument(path + " already sends Claude Code's telemetry to " + *other +
                                   "; left unchanged (--force replaces it)");
  }
  Result<std::string> merged = MergeClaudeSettings(current, endpoint);
  if (!merged.ok()) return Status::InvalidArgument(path + ": " + merged.status().message());
  SettingsUpdate update;
  update.outcome = SettingsUpdate::Outcome::kCreated;
  if (existed) {
    Result<std::string> b = KeepBackup(path, old, mode);
    if (!b.ok()) return b.status();
    update.outcome = SettingsUpdate::Outcome::kUpdated;
    update.backup = std::move(*b);
  } else {
    std::error_code ec;
    fs::create_directories(fs::path(*target).parent_path(), ec);
  }
  const std::string tmp = *target + ".tmp-" + std::to_string(::getpid());
  if (Status s = WriteNewFile(tmp, *merged, mode); !s.ok()) return s;
  if (::rename(tmp.c_str(), target->c_str()) != 0) {
    Status s = Status::IoError(Errno("cannot replace " + *target));
    ::unlink(tmp.c_str());
    return s;
  }
  return update;
}

}  // namespace cc
