// ForEachSpendRow: the rollup reduced to what a budget counts — per
// quarter hour and dimension, its project and source, dollars, tokens and
// the first and last request's time — for a range of quarter hours, by
// usage_rollup's primary key (bucket first): a month is a few thousand
// rows. Runs on any connection inside a transaction: a commit hook's
// (ledger/commit_hook.h) or a reader's (LedgerReader::InReadTransaction).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace cc {

namespace sql {
class Database;
}

struct SpendRowView {
  int64_t bucket = 0;  // RollupBucket of its events.
  std::string_view project;  // Valid during the call only.
  std::string_view source;
  int64_t cost_nano = 0;  // Of the priced events.
  uint64_t tokens = 0;    // Tokens::Total() of all its events.
  int64_t first_ms = 0;
  int64_t last_ms = 0;
};

// Calls `row` for every rollup row with first_bucket <= bucket <
// end_bucket, in bucket order.
Status ForEachSpendRow(sql::Database& db, int64_t first_bucket,
                       int64_t end_bucket,
                       const std::function<void(const SpendRowView&)>& row);

// The first quarter hour with usage (nullopt: none yet); the primary
// key's first entry.
Result<std::optional<int64_t>> FirstSpendBucket(sql::Database& db);

}  // namespace cc
