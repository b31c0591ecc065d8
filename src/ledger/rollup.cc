#include "ledger/rollup.h"

#include "ledger/sqlite_db.h"

namespace cc {
namespace {

constexpr const char* kUpsert = R"sql(
INSERT INTO usage_rollup(bucket, dim, events, unpriced_events, input_tokens,
  output_tokens, cache_creation_tokens, cache_creation_5m_tokens,
  cache_creation_1h_tokens, cache_read_tokens, web_search_requests,
  web_fetch_requests, cost_nano, first_ms, last_ms)
VALUES(?1, ?2, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
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
  cost_nano = cost_nano + excluded.cost_nano,
  first_ms = MIN(first_ms, excluded.first_ms),
  last_ms = MAX(last_ms, excluded.last_ms))sql";

constexpr const char* kFindDim = R"sql(
SELECT id FROM usage_dims WHERE project = ?1 AND session_id = ?2 AND model = ?3
  AND source = ?4)sql";
constexpr const char* kInsertDim = R"sql(
INSERT INTO usage_dims(project, session_id, model, source)
VALUES(?1, ?2, ?3, ?4))sql";

// After an event left a row: drop the row if empty, else recompute the row's
// first and last times from the events still in it.
constexpr const char* kDeleteEmpty =
    "DELETE FROM usage_rollup WHERE bucket = ?1 AND dim = ?2 AND events <= 0";
constexpr const char* kRecomputeSpan = R"sql(
UPDATE usage_rollup SET
  first_ms = (SELECT MIN(timestamp_ms) FROM events WHERE timestamp_ms >= ?3
    AND timestamp_ms < ?4 AND project = ?5 AND session_id = ?6 AND model = ?7
    AND source = ?8),
  last_ms = (SELECT MAX(timestamp_ms) FROM events WHERE timestamp_ms >= ?3
    AND timestamp_ms < ?4 AND project = ?5 AND session_id = ?6 AND model = ?7
    AND source = ?8)
WHERE bucket = ?1 AND dim = ?2)sql";

void BindDimStrings(sql::Statement& st, int first, const RollupKey& k) {
  st.Bind(first, k.project)
      .Bind(first + 1, k.session_id)
      .Bind(first + 2, k.model)
      .Bind(first + 3, k.source);
}

// The id of the key's dimension, created if new.
Result<int64_t> DimId(sql::Database& db, sql::Statement& find,
                      sql::Statement& insert, const RollupKey& k) {
  BindDimStrings(find, 1, k);
  Result<bool> row = find.Step();
  if (!row.ok()) return row.status();
  if (*row) {
    int64_t id = find.Int(0);
    find.Reset();
    return id;
  }
  find.Reset();
  BindDimStrings(insert, 1, k);
  if (Status s = insert.Run(); !s.ok()) return s;
  return db.QueryInt("SELECT last_insert_rowid()");
}

}  // namespace

void RollupDelta::Add(const RollupKey& key, const Contribution& c, int sign,
                      bool span_changes) {
  Cell& cell = cells_[key];
  cell.events += sign;
  cell.unpriced += c.priced ? 0 : sign;
  const Tokens& t = c.tokens;
  const uint64_t values[8] = {t.input,
                              t.output,
                              t.cache_creation,
                              t.cache_creation_5m,
                              t.cache_creation_1h,
                              t.cache_read,
                              t.web_search_requests,
                              t.web_fetch_requests};
  for (int i = 0; i < 8; ++i) {
    cell.tokens[i] += sign * static_cast<int64_t>(values[i]);
  }
  cell.cost_nano += sign * c.cost_nano;
  if (sign > 0) {
    cell.first_ms = std::min(cell.first_ms, c.timestamp_ms);
    cell.last_ms = std::max(cell.last_ms, c.timestamp_ms);
  }
  // Once set for this transaction, never cleared: another event may have
  // left the row earlier in the same batch.
  cell.lost_an_event = cell.lost_an_event || span_changes;
}

void RollupDelta::Insert(const RollupKey& to, const Contribution& after) {
  Add(to, after, +1, false);
}

void RollupDelta::Move(const RollupKey& from, const Contribution& before,
                       const RollupKey& to, const Contribution& after) {
  // Same row, same time (only tokens or cost grew): the span is unchanged.
  const bool stays = from == to && before.timestamp_ms == after.timestamp_ms;
  Add(from, before, -1, !stays);
  Add(to, after, +1, false);
}

std::vector<int64_t> RollupDelta::Buckets() const {
  std::vector<int64_t> out;
  for (const auto& entry : cells_) {  // Ordered by bucket first.
    if (out.empty() || out.back() != entry.first.bucket) {
      out.push_back(entry.first.bucket);
    }
  }
  return out;
}

Status RollupDelta::Apply(sql::Database& db) {
  sql::Statement find(db.handle(), kFindDim);
  sql::Statement insert(db.handle(), kInsertDim);
  sql::Statement upsert(db.handle(), kUpsert);
  sql::Statement drop(db.handle(), kDeleteEmpty);
  sql::Statement span(db.handle(), kRecomputeSpan);
  for (const auto& [key, cell] : cells_) {
    Result<int64_t> dim = DimId(db, find, insert, key);
    if (!dim.ok()) return dim.status();
    upsert.Bind(1, key.bucket).Bind(2, *dim);
    upsert.Bind(6, cell.events).Bind(7, cell.unpriced);
    for (int i = 0; i < 8; ++i) upsert.Bind(8 + i, cell.tokens[i]);
    upsert.BindFrom(16, cell.cost_nano, cell.first_ms, cell.last_ms);
    if (Status s = upsert.Run(); !s.ok()) return s;
    if (!cell.lost_an_event) continue;
    drop.Bind(1, key.bucket).Bind(2, *dim);
    if (Status s = drop.Run(); !s.ok()) return s;
    span.BindFrom(1, key.bucket, *dim, key.bucket * kRollupBucketMs,
                  (key.bucket + 1) * kRollupBucketMs);
    BindDimStrings(span, 5, key);
    if (Status s = span.Run(); !s.ok()) return s;
  }
  cells_.clear();
  return Status::Ok();
}

Status RebuildRollup(sql::Database& db) {
  return db.Exec(R"sql(
DELETE FROM usage_rollup;
DELETE FROM usage_dims;
INSERT INTO usage_dims(project, session_id, model, source)
  SELECT DISTINCT project, session_id, model, source FROM events;
INSERT INTO usage_rollup(bucket, dim, events, unpriced_events, input_tokens,
  output_tokens, cache_creation_tokens, cache_creation_5m_tokens,
  cache_creation_1h_tokens, cache_read_tokens, web_search_requests,
  web_fetch_requests, cost_nano, first_ms, last_ms)
SELECT ((timestamp_ms - ((timestamp_ms % 900000) + 900000) % 900000) / 900000),
  d.id, COUNT(*),
  SUM(priced = 0), SUM(input_tokens), SUM(output_tokens),
  SUM(cache_creation_tokens), SUM(cache_creation_5m_tokens),
  SUM(cache_creation_1h_tokens), SUM(cache_read_tokens),
  SUM(web_search_requests), SUM(web_fetch_requests), SUM(cost_nano),
  MIN(timestamp_ms), MAX(timestamp_ms)
FROM events JOIN usage_dims d USING(project, session_id, model, source)
GROUP BY 1, 2)sql");
}

}  // namespace cc
