#include "ledger/spend_rows.h"

#include "ledger/query_rows.h"
#include "ledger/sqlite_db.h"

namespace cc {

Status ForEachSpendRow(sql::Database& db, int64_t first_bucket,
                       int64_t end_bucket,
                       const std::function<void(const SpendRowView&)>& row) {
  sql::Statement st(db.handle(), R"sql(
SELECT r.bucket, d.project, d.source, r.cost_nano,
  r.input_tokens + r.output_tokens + r.cache_creation_tokens + r.cache_read_tokens,
  r.first_ms, r.last_ms
FROM usage_rollup r JOIN usage_dims d ON d.id = r.dim
WHERE r.bucket >= ?1 AND r.bucket < ?2
ORDER BY r.bucket)sql");
  st.Bind(1, first_bucket).Bind(2, end_bucket);
  SpendRowView view;
  return ForEachRow(st, [&](const sql::Statement& r) {
    view.bucket = r.Int(0);
    view.project = r.TextView(1);
    view.source = r.TextView(2);
    view.cost_nano = r.Int(3);
    view.tokens = r.Uint(4);
    view.first_ms = r.Int(5);
    view.last_ms = r.Int(6);
    row(view);
  });
}

Result<std::optional<int64_t>> FirstSpendBucket(sql::Database& db) {
  sql::Statement st(db.handle(), "SELECT MIN(bucket) FROM usage_rollup");
  std::optional<int64_t> out;
  Status s = ForEachRow(st, [&out](const sql::Statement& r) {
    if (!r.IsNull(0)) out = r.Int(0);
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace cc
