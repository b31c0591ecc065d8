#include "clickhouse/row_format.h"

#include "core/civil_time.h"
#include "core/json_writer.h"
#include "clickhouse/schema.h"

namespace cc {
namespace {

void PutVarUint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutString(std::string& out, std::string_view s) {
  PutVarUint(out, s.size());
  out.append(s);
}

void PutU64(std::string& out, uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (8 * i));
  out.append(bytes, 8);
}

void PutI64(std::string& out, int64_t v) { PutU64(out, static_cast<uint64_t>(v)); }

void PutU8(std::string& out, bool v) { out.push_back(v ? '\1' : '\0'); }

}  // namespace

void AppendRowBinary(std::string& out, const OutboxEvent& o,
                     std::string_view user) {
  const Event& e = o.event;
  const Attributes& a = e.attributes;
  const Tokens& t = e.tokens;
  PutString(out, e.key);
  PutString(out, o.source);
  PutString(out, user);
  PutI64(out, e.first.timestamp_ms);
  PutString(out, a.session_id);
  PutString(out, a.project);
  PutString(out, a.cwd);
  PutString(out, a.git_branch);
  PutString(out, a.version);
  PutString(out, a.model);
  PutString(out, a.agent_id);
  PutU8(out, a.is_sidechain);
  PutString(out, a.speed);
  for (uint64_t v : {t.input, t.output, t.cache_creation, t.cache_creation_5m,
                     t.cache_creation_1h, t.cache_read, t.web_search_requests,
                     t.web_fetch_requests}) {
    PutU64(out, v);
  }
  PutI64(out, o.cost_nano);
  PutU8(out, o.priced);
  PutString(out, o.price_version);
  PutI64(out, o.change_seq);
  PutI64(out, o.first_seen_ms);
  PutI64(out, o.last_seen_ms);
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
