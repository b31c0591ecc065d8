#include "clickhouse/row_format.h"

#include "core/civil_time.h"
#include "core/json_writer.h"

namespace cc {

std::string ClickHouseDateTime64(int64_t utc_ms) {
  std::string iso = FormatIsoTimestampMs(utc_ms);  // 2025-09-03T10:00:00.123Z
  if (iso.size() >= 23) {
    iso[10] = ' ';
    iso.resize(23);
  }
  return iso;
}

std::string EventsAsJsonEachRow(const std::vector<OutboxEvent>& events,
                                const std::string& user) {
  std::string out;
  for (const OutboxEvent& o : events) AppendJsonEachRow(out, o, user);
  return out;
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
