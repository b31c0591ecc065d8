#include "ledger/rollup.h"

#include "ledger/sqlite_db.h"

namespace cc {
namespace {

constexpr const char* kUpsert = R"sql(
INSERT INTO usage_rollup(bucket, project, session_id, model, source, events,
  unpriced_events, input_tokens, output_tokens, cache_creation_tokens,
  cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens,
  web_search_requests, web_fetch_requests, cost_pico, first_ms, last_ms)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
  ?17, ?18)
ON CONFLICT DO UPDATE SET events = events + excluded.events,
  unpriced_events = unpriced_events + excluded.unpriced_events,
  input_tokens = input_tokens + excluded.input_tokens,
  output_tokens = output_tokens + excluded.output_tokens,
  cache_creation_tokens = cache_creation_tokens + excluded.cache_creation_tokens,
  cache_creation_5m_tokens =
    cache_creation_5m_tokens + excluded.cache_creation_5m_tokens,
  cache_creation_1h_tokens =
    cache_creation_1h_tokens + excluded.cache_creation_1h_tokens,
  cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
  web_search_requests = web_search_requests + excluded.web_search_requests,
  web_fetch_requests = web_fetch_requests + excluded.web_fetch_requests,
  cost_pico = cost_pico + excluded.cost_pico,
  first_ms = MIN(first_ms, excluded.first_ms),
  last_ms = MAX(last_ms, excluded.last_ms))sql";

constexpr const char* kKeyMatch =
    " WHERE bucket = ?1 AND project = ?2 AND session_id = ?3 AND model = ?4 "
    "AND source = ?5";

// After an event left a row: drop the row if empty, else recompute the row's
// first and last times from the events still in it.
constexpr const char* kDeleteEmpty = "DELETE FROM usage_rollup";
constexpr const char* kRecomputeSpan = R"sql(
UPDATE usage_rollup SET
  first_ms = (SELECT MIN(timestamp_ms) FROM events WHERE timestamp_ms >= ?6
    AND timestamp_ms < ?7 AND project = ?2 AND session_id = ?3 AND model = ?4
    AND source = ?5),
  last_ms = (SELECT MAX(timestamp_ms) FROM events WHERE timestamp_ms >= ?6
    AND timestamp_ms < ?7 AND project = ?2 AND session_id = ?3 AND model = ?4
    AND source = ?5))sql";

void BindKey(sql::Statement& st, const RollupKey& k) {
  st.Bind(1, k.bucket).Bind(2, k.project).Bind(3, k.session_id)
      .Bind(4, k.model).Bind(5, k.source);
}

}  // namespace

void RollupDelta::Add(const RollupKey& key, const Contribution& c, int sign) {
  Cell& cell = cells_[key];
  cell.events += sign;
  cell.unpriced += c.priced ? 0 : sign;
  const Tokens& t = c.tokens;
  const uint64_t values[8] = {t.input,           t.output,
                              t.cache_creation,  t.cache_creation_5m,
                              t.cache_creation_1h, t.cache_read,
                              t.web_search_requests, t.web_fetch_requests};
  for (int i = 0; i < 8; ++i) {
    cell.tokens[i] += sign * static_cast<int64_t>(values[i]);
  }
  cell.cost_pico += sign * c.cost_pico;
  if (sign > 0) {
    cell.first_ms = std::min(cell.first_ms, c.timestamp_ms);
    cell.last_ms = std::max(cell.last_ms, c.timestamp_ms);
  } else {
    cell.lost_an_event = true;
  }
}

void RollupDelta::Insert(const RollupKey& to, const Contribution& after) {
  Add(to, after, +1);
}

void RollupDelta::Move(const RollupKey& from, const Contribution& before,
                       const RollupKey& to, const Contribution& after) {
  Add(from, before, -1);
  Add(to, after, +1);
  // Same row, same time: the row's span is unchanged.
  if (from == to && before.timestamp_ms == after.timestamp_ms) {
    cells_[to].lost_an_event = false;
  }
}

Status RollupDelta::Apply(sql::Database& db) {
  sql::Statement upsert(db.handle(), kUpsert);
  for (const auto& [key, cell] : cells_) {
    BindKey(upsert, key);
    upsert.Bind(6, cell.events).Bind(7, cell.unpriced);
    for (int i = 0; i < 8; ++i) upsert.Bind(8 + i, cell.tokens[i]);
    upsert.Bind(16, cell.cost_pico).Bind(17, cell.first_ms)
        .Bind(18, cell.last_ms);
    if (Status s = upsert.Run(); !s.ok()) return s;
  }
  sql::Statement drop(db.handle(), std::string(kDeleteEmpty) + kKeyMatch +
                                       " AND events <= 0");
  sql::Statement span(db.handle(), std::string(kRecomputeSpan) + kKeyMatch);
  for (const auto& [key, cell] : cells_) {
    if (!cell.lost_an_event) continue;
    BindKey(drop, key);
    if (Status s = drop.Run(); !s.ok()) return s;
    BindKey(span, key);
    span.Bind(6, key.bucket * kRollupBucketMs)
        .Bind(7, (key.bucket + 1) * kRollupBucketMs);
    if (Status s = span.Run(); !s.ok()) return s;
  }
  cells_.clear();
  return Status::Ok();
}

Status RebuildRollup(sql::Database& db) {
  if (Status s = db.Exec("DELETE FROM usage_rollup"); !s.ok()) return s;
  return db.Exec(R"sql(
INSERT INTO usage_rollup(bucket, project, session_id, model, source, events,
  unpriced_events, input_tokens, output_tokens, cache_creation_tokens,
  cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens,
  web_search_requests, web_fetch_requests, cost_pico, first_ms, last_ms)
SELECT timestamp_ms / 900000, project, session_id, model, source, COUNT(*),
  SUM(priced = 0), SUM(input_tokens), SUM(output_tokens),
  SUM(cache_creation_tokens), SUM(cache_creation_5m_tokens),
  SUM(cache_creation_1h_tokens), SUM(cache_read_tokens),
  SUM(web_search_requests), SUM(web_fetch_requests), SUM(cost_pico),
  MIN(timestamp_ms), MAX(timestamp_ms)
FROM events GROUP BY 1, 2, 3, 4, 5)sql");
}

}  // namespace cc
