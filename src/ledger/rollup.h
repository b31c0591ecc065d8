// Rollup: the ledger's pre-aggregated usage, kept in the same transaction
// as the events it sums, so reports never scan the events table.
//
// One row per (UTC quarter hour, dimension): event count, token sums, cost,
// and the first and last event time in it. A dimension (usage_dims) is one
// (project, session, model, source), so rows hold integers only. Every
// time zone in use today is offset from UTC by a multiple of 15 minutes, so
// local days, weeks, months and hours are unions of whole rows, and a
// 5-hour block (which starts on an hour) never splits one. Sums, not
// samples: reports from the rollup equal reports from the events.
//
// RollupDelta collects one transaction's changes in memory and applies them
// with one upsert per row touched. Private to ledger/.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/result.h"
#include "core/tokens.h"

namespace cc {

namespace sql {
class Database;
}

constexpr int64_t kRollupBucketMs = 15 * 60 * 1000;

// The quarter hour of a time, floored (also before 1970).
inline int64_t RollupBucket(int64_t timestamp_ms) {
  const int64_t q = timestamp_ms / kRollupBucketMs;
  return timestamp_ms % kRollupBucketMs < 0 ? q - 1 : q;
}

struct RollupKey {
  int64_t bucket = 0;  // timestamp_ms / kRollupBucketMs.
  std::string project;
  std::string session_id;
  std::string model;
  std::string source;

  auto Tie() const {
    return std::tie(bucket, project, session_id, model, source);
  }
  bool operator<(const RollupKey& o) const { return Tie() < o.Tie(); }
  bool operator==(const RollupKey& o) const { return Tie() == o.Tie(); }
};

// What one event adds to its row.
struct Contribution {
  int64_t timestamp_ms = 0;
  Tokens tokens;
  int64_t cost_nano = 0;
  bool priced = false;
};

class RollupDelta {
 public:
  // The event was stored as `before` under `from` and is now `after` under
  // `to` (a new event has no `from`).
  void Insert(const RollupKey& to, const Contribution& after);
  void Move(const RollupKey& from, const Contribution& before,
            const RollupKey& to, const Contribution& after);

  // Writes the changes (inside the caller's transaction) and clears them.
  Status Apply(sql::Database& db);

  bool empty() const { return cells_.empty(); }
  // The quarter hours the changes touch, ascending, distinct (before Apply).
  std::vector<int64_t> Buckets() const;

 private:
  struct Cell {
    int64_t events = 0;
    int64_t unpriced = 0;
    int64_t tokens[8] = {};
    int64_t cost_nano = 0;
    int64_t first_ms = INT64_MAX;  // Of the events added.
    int64_t last_ms = INT64_MIN;
    bool lost_an_event = false;  // First/last must be recomputed.
  };
  // `span_changes`: the row's first/last times may have changed (an event
  // left it, or came back at another time) and must be recomputed.
  void Add(const RollupKey& key, const Contribution& c, int sign,
           bool span_changes);

  std::map<RollupKey, Cell> cells_;
};

// Rebuilds the whole rollup from the events table.
Status RebuildRollup(sql::Database& db);

}  // namespace cc
