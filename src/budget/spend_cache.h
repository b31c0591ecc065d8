// SpendCache: the rollup rows budgets count, from a window's start on
// (the earliest current period), held in memory between commits so that
// a commit re-reads only the quarter hours it changed. Sums per period
// and filter, and the active 5-hour block, come from it.
//
// Per quarter hour it keeps the total and one entry per (project, source)
// with usage: a month of heavy use is a few thousand entries.
// Thread safety: none; one owner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "budget/budget_period.h"
#include "core/status.h"

namespace cc {

namespace sql {
class Database;
}

struct SpendSums {
  int64_t cost_nano = 0;  // Of the priced events.
  uint64_t tokens = 0;    // Tokens::Total().

  void Add(const SpendSums& o) {
    cost_nano += o.cost_nano;
    tokens += o.tokens;
  }
  double Dollars() const { return static_cast<double>(cost_nano) / 1e9; }
};

// Which usage a budget counts: one project folder (as the ledger keys
// usage) and one source, or all ("" = all).
struct SpendFilter {
  std::string project_folder;
  std::string source;

  bool all() const { return project_folder.empty() && source.empty(); }
};

class SpendCache {
 public:
  // Reads every row from `first_bucket` on, replacing what it held.
  Status Load(sql::Database& db, int64_t first_bucket);
  // Reads these quarter hours again (those before the window: not kept).
  Status Reload(sql::Database& db, const std::vector<int64_t>& buckets);
  // Forgets the quarter hours before `first_bucket`.
  void DropBefore(int64_t first_bucket);
  void Clear();

  bool loaded() const { return loaded_; }
  int64_t first_bucket() const { return first_bucket_; }
  // Grows when a (project, source) pair appears that it has not seen.
  size_t pairs_seen() const { return keys_.size(); }

  // The usage in [from_ms, to_ms) (whole quarter hours) that `filter`
  // selects.
  SpendSums Sum(int64_t from_ms, int64_t to_ms, const SpendFilter& filter) const;
  // The active block at `now_ms` by `report blocks`' rules, from the rows
  // held (all usage, whatever a budget's filter: Claude's 5-hour window
  // is the account's).
  std::optional<PeriodSpan> ActiveBlock(int64_t now_ms) const;

 private:
  struct Entry {
    uint32_t key = 0;  // Index into keys_.
    SpendSums sums;
  };
  struct Bucket {
    SpendSums total;
    int64_t first_ms = INT64_MAX;
    int64_t last_ms = INT64_MIN;
    std::vector<Entry> entries;
  };
  Status Read(sql::Database& db, int64_t first_bucket, int64_t end_bucket);
  uint32_t KeyOf(std::string_view project, std::string_view source);

  bool loaded_ = false;
  int64_t first_bucket_ = 0;
  std::map<int64_t, Bucket> buckets_;
  std::vector<std::pair<std::string, std::string>> keys_;  // (project, source)
  std::map<std::string, uint32_t> key_index_;  // By "project\0source".
  std::string scratch_;                        // The key being looked up.
};

}  // namespace cc
