#include "clickhouse/row_format.h"

#include <cassert>
#include <cstring>

#include "core/civil_time.h"
#include "core/json_writer.h"
#include "clickhouse/schema.h"

namespace cc {
namespace {

size_t VarUintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes into a buffer sized beforehand (StringSize and the fixed
// columns' bytes): one
// allocation a row at most, no capacity check a byte.
class RowBinaryWriter {
 public:
  explicit RowBinaryWriter(char* at) : p_(at) {}
  static size_t StringSize(std::string_view s) {
    return VarUintSize(s.size()) + s.size();
  }
  void String(std::string_view s) {
    uint64_t v = s.size();
    while (v >= 0x80) {
      *p_++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *p_++ = static_cast<char>(v);
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) *p_++ = static_cast<char>(v >> (8 * i));
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void U8(bool v) { *p_++ = v ? '\1' : '\0'; }
  const char* end() const { return p_; }

 private:
  char* p_;
};

}  // namespace

void AppendRowBinary(std::string& out, const OutboxEvent& o,
                     std::string_view user) {
  AppendRowBinary(out,
                  OutboxRowView{o.event, o.source, o.cost_nano, o.priced,
                                o.price_version, o.change_seq, o.first_seen_ms,
                                o.last_seen_ms},
                  user);
}

void AppendRowBinary(std::string& out, const OutboxRowView& o,
                     std::string_view user) {
  const Event& e = o.event;
  const Attributes& a = e.attributes;
  const Tokens& t = e.tokens;
  const std::string_view strings[] = {e.key,        o.source,     user,
                                      a.session_id, a.project,    a.cwd,
                                      a.git_branch, a.version,    a.model,
                                      a.agent_id,   a.speed,      o.price_version};
  // 13 Int64/UInt64 columns of 8 bytes (time, 8 token counts, cost,
  // change_seq, first and last seen) and 2 UInt8s.
  size_t size = 13 * 8 + 2;
  for (std::string_view s : strings) size += RowBinaryWriter::StringSize(s);
  const size_t at = out.size();
  out.resize(at + size);
  RowBinaryWriter w(out.data() + at);
  w.String(e.key);
  w.String(o.source);
  w.String(user);
  w.I64(e.first.timestamp_ms);
  w.String(a.session_id);
  w.String(a.project);
  w.String(a.cwd);
  w.String(a.git_branch);
  w.String(a.version);
  w.String(a.model);
  w.String(a.agent_id);
  w.U8(a.is_sidechain);
  w.String(a.speed);
  for (uint64_t v : {t.input, t.output, t.cache_creation, t.cache_creation_5m,
                     t.cache_creation_1h, t.cache_read, t.web_search_requests,
                     t.web_fetch_requests}) {
    w.U64(v);
  }
  w.I64(o.cost_nano);
  w.U8(o.priced);
  w.String(o.price_version);
  w.I64(o.change_seq);
  w.I64(o.first_seen_ms);
  w.I64(o.last_seen_ms);
  assert(w.end() == out.data() + out.size());
}

void AppendOtelLogRow(std::string& out, const TelemetryRow& row) {
  JsonWriter w(/*pretty=*/false);
  w.BeginObject()
      .Field("Timestamp", ClickHouseDateTime64(row.event_ms))
      .Field("SeverityText", "INFO")
      .Field("SeverityNumber", uint64_t{9})
      .Field("ServiceName", "claude-code")
      .Field("Body", row.event)
      .Field("ScopeName", "com.anthropic.claude_code");
  w.Key("ResourceAttributes").BeginObject().Field("host.name", row.source).EndObject();
  w.Key("LogAttributes").BeginObject();
  w.Field("event.name", row.event.substr(row.event.find('.') + 1));
  for (const auto& [k, v] : row.attributes) w.Field(k, v);
  w.EndObject().EndObject();
  out += w.Finish();
}

std::string RowBinaryInsertSql(const std::string& database) {
  std::string sql = "INSERT INTO `";
  sql.append(database).append("`.events (");
  bool first = true;
  for (const std::string& column : ClickHouseEventColumns()) {
    sql.append(first ? "`" : ", `").append(column).append("`");
    first = false;
  }
  sql.append(") FORMAT RowBinary");
  return sql;
}

std::string ClickHouseDateTime64(int64_t utc_ms) {
  std::string iso = FormatIsoTimestampMs(utc_ms);  // 2025-09-03T10:00:00.123Z
  if (iso.size() >= 23) {
    iso[10] = ' ';
    iso.resize(23);
  }
  return iso;
}

void AppendJsonEachRow(std::string& out, const OutboxEvent& o,
                       const std::string& user) {
  {
    const Event& e = o.event;
    const Attributes& a = e.attributes;
    const Tokens& t = e.tokens;
    JsonWriter w(/*pretty=*/false);
    w.BeginObject()
        .Field("key", e.key)
        .Field("source", o.source)
        .Field("user", user)
        .Field("timestamp", ClickHouseDateTime64(e.first.timestamp_ms))
        .Field("session_id", a.session_id)
        .Field("project", a.project)
        .Field("cwd", a.cwd)
        .Field("git_branch", a.git_branch)
        .Field("version", a.version)
        .Field("model", a.model)
        .Field("agent_id", a.agent_id)
        .Field("is_sidechain", uint64_t{a.is_sidechain ? 1u : 0u})
        .Field("speed", a.speed)
        .Field("input_tokens", t.input)
        .Field("output_tokens", t.output)
        .Field("cache_creation_tokens", t.cache_creation)
        .Field("cache_creation_5m_tokens", t.cache_creation_5m)
        .Field("cache_creation_1h_tokens", t.cache_creation_1h)
        .Field("cache_read_tokens", t.cache_read)
        .Field("web_search_requests", t.web_search_requests)
        .Field("web_fetch_requests", t.web_fetch_requests)
        .Field("cost_nano", o.cost_nano)
        .Field("priced", uint64_t{o.priced ? 1u : 0u})
        .Field("price_version", o.price_version)
        .Field("change_seq", o.change_seq)
        .Field("first_seen", ClickHouseDateTime64(o.first_seen_ms))
        .Field("last_seen", ClickHouseDateTime64(o.last_seen_ms))
        .EndObject();
    out += w.Finish();  // Ends in "\n".
  }
}

}  // namespace cc
