#include "parse/line_parser.h"

#include <simdjson.h>

#include <cstring>
#include <optional>
#include <vector>

#include "core/civil_time.h"
#include "core/record_bounds.h"
#include "parse/lone_surrogates.h"

namespace cc {
namespace {

namespace dom = simdjson::dom;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A parse failure; the reason becomes the reject reason.
struct Failure {
  std::string reason;
};
using MaybeFailure = std::optional<Failure>;

// The fields of an Anthropic `message` object that matter to accounting.
struct MessageFields {
  std::string id;
  std::string model;
  bool has_usage = false;
  Tokens tokens;
  std::string speed;  // usage.speed: "fast" or "standard" (Claude Code 2.x).
  // usage.inference_geo: "us", "global", "not_available" or "".
  std::string inference_geo;
};

// The fields of a progress line's `data.message` (a subagent's message).
struct EchoFields {
  std::string type;
  std::string timestamp;
  std::string request_id;
  std::string uuid;
  std::optional<MessageFields> message;
};

// Everything one pass over a top-level line collects.
struct LineFields {
  std::string type;
  std::string request_id;
  std::string uuid;
  std::string timestamp;
  std::string session_id;
  std::string cwd;
  std::string git_branch;
  std::string version;
  std::string agent_id;
  bool is_sidechain = false;
  std::optional<MessageFields> message;
  std::optional<EchoFields> echo;  // data.message of a progress line.
  std::string data_agent_id;       // data.agentId of a progress line.
};

// Reads a string, or leaves `out` empty for null. Other types fail.
MaybeFailure ReadString(dom::element v, std::string_view name,
                        std::string* out) {
  if (v.is_null()) return std::nullopt;
  std::string_view s;
  if (v.get_string().get(s)) return Failure{std::string(name) + ": not a string"};
  out->assign(s);
  return std::nullopt;
}

MaybeFailure ReadBool(dom::element v, std::string_view name, bool* out) {
  if (v.is_null()) return std::nullopt;
  if (v.get_bool().get(*out)) {
    return Failure{std::string(name) + ": not a boolean"};
  }
  return std::nullopt;
}

// Reads a token count: a non-negative integer no larger than kMaxTokenCount
// (core/record_bounds.h); null leaves it 0, as an absent field does.
MaybeFailure ReadCount(dom::element v, std::string_view name, uint64_t* out) {
  if (v.is_null()) return std::nullopt;
  const std::string field = "usage." + std::string(name);
  switch (v.type()) {
    case dom::element_type::INT64: {
      int64_t i = v.get_int64().value_unsafe();
      if (i < 0) return Failure{field + ": negative"};
      *out = static_cast<uint64_t>(i);
      break;
    }
    case dom::element_type::UINT64:
      *out = v.get_uint64().value_unsafe();
      break;
    case dom::element_type::DOUBLE:
      return Failure{field + ": not an integer"};
    default:
      return Failure{field + ": not a number"};
  }
  if (*out > kMaxTokenCount) return Failure{field + ": implausibly large"};
  return std::nullopt;
}

// Calls on_field for each field of an object (in any key order); null is
// an empty object; other types fail.
template <typename F>
MaybeFailure ForEachField(dom::element v, std::string_view name, F&& on_field) {
  if (v.is_null()) return std::nullopt;
  dom::object obj;
  if (v.get_object().get(obj)) {
    return Failure{std::string(name) + ": not an object"};
  }
  for (dom::key_value_pair field : obj) {
    if (MaybeFailure f = on_field(field.key, field.value)) return f;
  }
  return std::nullopt;
}

MaybeFailure ReadCacheCreation(dom::element v, Tokens* t) {
  return ForEachField(v, "usage.cache_creation",
                      [t](std::string_view k, dom::element g) -> MaybeFailure {
                        if (k == "ephemeral_5m_input_tokens") {
                          return ReadCount(g, k, &t->cache_creation_5m);
                        }
                        if (k == "ephemeral_1h_input_tokens") {
                          return ReadCount(g, k, &t->cache_creation_1h);
                        }
                        return std::nullopt;
                      });
}

MaybeFailure ReadServerToolUse(dom::element v, Tokens* t) {
  return ForEachField(v, "usage.server_tool_use",
                      [t](std::string_view k, dom::element g) -> MaybeFailure {
                        if (k == "web_search_requests") {
                          return ReadCount(g, k, &t->web_search_requests);
                        }
                        if (k == "web_fetch_requests") {
                          return ReadCount(g, k, &t->web_fetch_requests);
                        }
                        return std::nullopt;
                      });
}

MaybeFailure ReadUsage(dom::element v, MessageFields* m) {
  Tokens* t = &m->tokens;
  return ForEachField(
      v, "usage",
      [t, m](std::string_view key, dom::element f) -> MaybeFailure {
        if (key == "input_tokens") return ReadCount(f, key, &t->input);
        if (key == "output_tokens") return ReadCount(f, key, &t->output);
        if (key == "cache_creation_input_tokens") {
          return ReadCount(f, key, &t->cache_creation);
        }
        if (key == "cache_read_input_tokens") {
          return ReadCount(f, key, &t->cache_read);
        }
        if (key == "cache_creation") return ReadCacheCreation(f, t);
        if (key == "server_tool_use") return ReadServerToolUse(f, t);
        // Only prices depend on these: an odd value is ignored, not fatal.
        if (key == "speed") {
          std::string_view s;
          if (!f.get_string().get(s)) m->speed.assign(s);
        }
        if (key == "inference_geo") {
          std::string_view s;
          if (!f.get_string().get(s)) m->inference_geo.assign(s);
        }
        return std::nullopt;
      });
}

MaybeFailure ReadMessage(dom::element v, std::optional<MessageFields>* out) {
  MessageFields m;
  MaybeFailure failure = ForEachField(
      v, "message", [&m](std::string_view key, dom::element f) -> MaybeFailure {
        if (key == "id") return ReadString(f, "message.id", &m.id);
        if (key == "model") return ReadString(f, "message.model", &m.model);
        if (key == "usage" && !f.is_null()) {
          m.has_usage = true;
          return ReadUsage(f, &m);
        }
        return std::nullopt;
      });
  if (failure) return failure;
  *out = std::move(m);
  return std::nullopt;
}

MaybeFailure ReadEcho(dom::element v, std::optional<EchoFields>* out) {
  EchoFields echo;
  MaybeFailure failure = ForEachField(
      v, "data.message",
      [&echo](std::string_view key, dom::element f) -> MaybeFailure {
        if (key == "type") return ReadString(f, "data.message.type", &echo.type);
        if (key == "timestamp") {
          return ReadString(f, "data.message.timestamp", &echo.timestamp);
        }
        if (key == "requestId") {
          return ReadString(f, "data.message.requestId", &echo.request_id);
        }
        if (key == "uuid") return ReadString(f, "data.message.uuid", &echo.uuid);
        if (key == "message") return ReadMessage(f, &echo.message);
        return std::nullopt;
      });
  if (failure) return failure;
  *out = std::move(echo);
  return std::nullopt;
}

MaybeFailure ReadData(dom::element v, LineFields* line) {
  return ForEachField(
      v, "data", [line](std::string_view key, dom::element f) -> MaybeFailure {
        if (key == "message") return ReadEcho(f, &line->echo);
        if (key == "agentId") {
          return ReadString(f, "data.agentId", &line->data_agent_id);
        }
        return std::nullopt;
      });
}

MaybeFailure ReadTopLevelField(std::string_view key, dom::element f,
                               LineFields* line) {
  if (key == "type") return ReadString(f, key, &line->type);
  if (key == "message") return ReadMessage(f, &line->message);
  if (key == "requestId") return ReadString(f, key, &line->request_id);
  if (key == "uuid") return ReadString(f, key, &line->uuid);
  if (key == "timestamp") return ReadString(f, key, &line->timestamp);
  if (key == "sessionId") return ReadString(f, key, &line->session_id);
  if (key == "cwd") return ReadString(f, key, &line->cwd);
  if (key == "gitBranch") return ReadString(f, key, &line->git_branch);
  if (key == "version") return ReadString(f, key, &line->version);
  if (key == "agentId") return ReadString(f, key, &line->agent_id);
  if (key == "isSidechain") return ReadBool(f, key, &line->is_sidechain);
  if (key == "data") return ReadData(f, line);
  return std::nullopt;
}

std::string MakeKey(const std::string& message_id,
                    const std::string& request_id, const std::string& uuid) {
  if (message_id.empty()) return uuid;
  if (request_id.empty()) return message_id;
  return message_id + ":" + request_id;
}

}  // namespace

struct LineParser::Impl {
  dom::parser parser;
  std::vector<char> padded;  // The line copied with SIMDJSON_PADDING after it.
  std::string repaired_;     // A line with its lone surrogates replaced.

  // Parses the whole line (the DOM parser validates all of it, UTF-8
  // included), or says why it is not a JSON object.
  MaybeFailure ParseObject(std::string_view line, dom::object* out) {
    MaybeFailure failure = ParseObjectOnce(line, out);
    if (!failure || failure->reason != StringError()) return failure;
    std::optional<std::string> repaired = ReplaceLoneSurrogates(line);
    if (!repaired) return failure;
    repaired_ = std::move(*repaired);
    return ParseObjectOnce(repaired_, out);
  }

  static std::string StringError() {
    return std::string("invalid JSON: ") +
           simdjson::error_message(simdjson::STRING_ERROR);
  }

  MaybeFailure ParseObjectOnce(std::string_view line, dom::object* out) {
    size_t need = line.size() + simdjson::SIMDJSON_PADDING;
    if (padded.size() < need) padded.resize(need);
    std::memcpy(padded.data(), line.data(), line.size());
    std::memset(padded.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
    dom::element doc;
    if (auto e = parser.parse(padded.data(), line.size(), false).get(doc)) {
      return Failure{std::string("invalid JSON: ") + simdjson::error_message(e)};
    }
    if (doc.get_object().get(*out)) return Failure{"not a JSON object"};
    return std::nullopt;
  }

  MaybeFailure ReadLine(std::string_view line, LineFields* fields) {
    dom::object obj;
    if (MaybeFailure f = ParseObject(line, &obj)) return f;
    for (dom::key_value_pair field : obj) {
      if (MaybeFailure f = ReadTopLevelField(field.key, field.value, fields)) {
        return f;
      }
    }
    return std::nullopt;
  }
};

std::string_view TrimLine(std::string_view line) {
  if (line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
  while (!line.empty() && IsBlank(line.front())) line.remove_prefix(1);
  while (!line.empty() && IsBlank(line.back())) line.remove_suffix(1);
  return line;
}

bool MightCarryUsage(std::string_view line) {
  // Inside a JSON string a quote is escaped, so `"usage"` with both quotes
  // bare can only be a key (or the value "usage"): false positives cost a
  // parse. The only false negative is a key written with escapes, which
  // Claude Code never does (see the header).
  static constexpr std::string_view kNeedle = "\"usage\"";
  return memmem(line.data(), line.size(), kNeedle.data(), kNeedle.size()) !=
         nullptr;
}

LineParser::LineParser() : impl_(std::make_unique<Impl>()) {}
LineParser::~LineParser() = default;

bool LineParser::IsCompleteObject(std::string_view line) {
  line = TrimLine(line);
  if (line.empty() || line.front() != '{' || line.back() != '}') return false;
  dom::object obj;
  return !impl_->ParseObject(line, &obj);
}

LineKind LineParser::Parse(std::string_view raw, const LineOrigin& origin,
                           UsageRecord* record, std::string* reject_reason) {
  std::string_view line = TrimLine(raw);
  if (line.empty()) return LineKind::kBlank;
  if (line.front() != '{' || line.back() != '}') {
    *reject_reason = "not a JSON object";
    return LineKind::kReject;
  }
  if (!MightCarryUsage(line)) return LineKind::kNoUsage;
  if (std::memchr(line.data(), '\0', line.size()) != nullptr) {
    *reject_reason = "NUL byte in line";
    return LineKind::kReject;
  }

  LineFields f;
  if (auto failure = impl_->ReadLine(line, &f)) {
    *reject_reason = std::move(failure->reason);
    return LineKind::kReject;
  }

  // Which message carries the usage: the line's own, or a progress line's
  // echo of a subagent's assistant message.
  const MessageFields* message = nullptr;
  std::string_view request_id = f.request_id;
  std::string_view uuid = f.uuid;
  std::string_view timestamp = f.timestamp;
  std::string_view agent_id = f.agent_id;
  if (f.type == "assistant" && f.message && f.message->has_usage) {
    message = &*f.message;
  } else if (f.type == "progress" && f.echo && f.echo->type == "assistant" &&
             f.echo->message && f.echo->message->has_usage) {
    message = &*f.echo->message;
    request_id = f.echo->request_id;
    if (!f.echo->uuid.empty()) uuid = f.echo->uuid;
    if (!f.echo->timestamp.empty()) timestamp = f.echo->timestamp;
    if (!f.data_agent_id.empty()) agent_id = f.data_agent_id;
  }
  if (message == nullptr) return LineKind::kNoUsage;

  std::optional<int64_t> ms = ParseIsoTimestampMs(timestamp);
  if (!ms) {
    *reject_reason = timestamp.empty() ? "timestamp: missing"
                                       : "timestamp: not ISO-8601";
    return LineKind::kReject;
  }
  record->key = MakeKey(message->id, std::string(request_id), std::string(uuid));
  if (record->key.empty()) {
    *reject_reason = "no message.id and no uuid";
    return LineKind::kReject;
  }
  record->tokens = message->tokens;
  record->attributes = Attributes{
      std::move(f.session_id), std::string(origin.project), std::move(f.cwd),
      std::move(f.git_branch), std::move(f.version),
      message->model,          std::string(agent_id),       f.is_sidechain,
      message->speed,          message->inference_geo};
  record->provenance = Provenance{*ms, std::string(origin.file), origin.offset};
  return LineKind::kUsage;
}

}  // namespace cc
