#include "claude_settings/status_line_settings.h"

#include <simdjson.h>

#include "core/json_writer.h"

namespace cc {
namespace {

constexpr char kKey[] = "statusLine";
constexpr int kRefreshSeconds = 30;

void WriteStatusLine(JsonWriter& w, const std::string& command) {
  w.BeginObject()
      .Field("type", "command")
      .Field("command", command)
      .Field("padding", int64_t{0})
      .Field("refreshInterval", int64_t{kRefreshSeconds})
      .EndObject();
}

Status ParseTop(simdjson::dom::parser& parser, const simdjson::padded_string& text,
                simdjson::dom::object* top) {
  if (auto err = parser.parse(text).get_object().get(*top)) {
    return Status::InvalidArgument(std::string("not a JSON object (") +
                                   simdjson::error_message(err) + "); left unchanged");
  }
  return Status::Ok();
}

}  // namespace

std::string StatusLineJson(const std::string& command) {
  JsonWriter w(true);
  w.BeginObject().Key(kKey);
  WriteStatusLine(w, command);
  w.EndObject();
  std::string out = w.Finish();
  out.pop_back();  // Its final newline.
  return out;
}

Result<std::string> OtherStatusLine(const std::string& settings_json,
                                    const std::string& command) {
  simdjson::dom::parser parser;
  const simdjson::padded_string text(settings_json);
  simdjson::dom::object top;
  if (Status s = ParseTop(parser, text, &top); !s.ok()) return s;
  simdjson::dom::element line;
  if (top.at_key(kKey).get(line) != simdjson::SUCCESS || line.is_null()) return std::string();
  std::string_view theirs;
  if (line.at_key("command").get_string().get(theirs) != simdjson::SUCCESS) {
    return std::string(simdjson::to_string(line));  // Not a command we know: theirs.
  }
  return theirs == command ? std::string() : std::string(theirs);
}

Result<std::string> MergeStatusLine(const std::string& settings_json,
                                    const std::string& command) {
  simdjson::dom::parser parser;
  const simdjson::padded_string text(settings_json);
  simdjson::dom::object top;
  if (Status s = ParseTop(parser, text, &top); !s.ok()) return s;
  JsonWriter w(true);
  w.BeginObject();
  bool written = false;
  for (simdjson::dom::key_value_pair kv : top) {
    const std::string key(kv.key);
    w.Key(key);
    if (key == kKey) {
      WriteStatusLine(w, command);
      written = true;
    } else {
      w.Number(simdjson::to_string(kv.value));  // As it was.
    }
  }
  if (!written) {
    w.Key(kKey);
    WriteStatusLine(w, command);
  }
  w.EndObject();
  return w.Finish();
}

Result<SettingsUpdate> WriteStatusLineSettings(const std::string& path,
                                               const std::string& command, bool replace_other) {
  return UpdateSettingsFile(path, [&](const std::string& current)
                                      -> Result<std::optional<std::string>> {
    simdjson::dom::parser parser;
    const simdjson::padded_string text(current);
    simdjson::dom::object top;
    if (Status s = ParseTop(parser, text, &top); !s.ok()) return s;
    simdjson::dom::element line;
    const bool has_line = top.at_key(kKey).get(line) == simdjson::SUCCESS && !line.is_null();
    Result<std::string> other = OtherStatusLine(current, command);
    if (!other.ok()) return other.status();
    if (has_line && other->empty()) return std::optional<std::string>();  // Ours already.
    if (!other->empty() && !replace_other) {
      return Status::InvalidArgument(
          "already shows a status line (" + *other +
          "); left unchanged. --force replaces it; to show both, make its command a script "
          "that passes Claude Code's JSON to each: input=$(cat); printf '%s' \"$input\" | "
          "THEIRS; printf '%s' \"$input\" | " + command);
    }
    Result<std::string> merged = MergeStatusLine(current, command);
    if (!merged.ok()) return merged.status();
    return std::optional<std::string>(std::move(*merged));
  });
}

}  // namespace cc
