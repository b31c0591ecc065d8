#include "budget/spend_cache.h"

#include <algorithm>

#include "ledger/ledger_reader.h"
#include "ledger/rollup.h"
#include "ledger/spend_rows.h"
#include "report/usage_report.h"

namespace cc {

uint32_t SpendCache::KeyOf(std::string_view project, std::string_view source) {
  scratch_.assign(project).push_back('\0');
  scratch_.append(source);
  auto it = key_index_.find(scratch_);
  if (it != key_index_.end()) return it->second;
  const uint32_t key = static_cast<uint32_t>(keys_.size());
  keys_.emplace_back(std::string(project), std::string(source));
  key_index_.emplace(scratch_, key);
  return key;
}

Status SpendCache::Read(sql::Database& db, int64_t first_bucket,
                        int64_t end_bucket) {
  return ForEachSpendRow(db, first_bucket, end_bucket,
                         [this](const SpendRowView& r) {
                           Bucket& b = buckets_[r.bucket];
                           const SpendSums sums{r.cost_nano, r.tokens};
                           b.total.Add(sums);
                           b.first_ms = std::min(b.first_ms, r.first_ms);
                           b.last_ms = std::max(b.last_ms, r.last_ms);
                           b.entries.push_back(
                               Entry{KeyOf(r.project, r.source), sums});
                         });
}

Status SpendCache::Load(sql::Database& db, int64_t first_bucket) {
  Clear();
  if (Status s = Read(db, first_bucket, INT64_MAX); !s.ok()) return s;
  first_bucket_ = first_bucket;
  loaded_ = true;
  return Status::Ok();
}

Status SpendCache::Reload(sql::Database& db, const std::vector<int64_t>& buckets) {
  for (int64_t b : buckets) {
    if (b < first_bucket_) continue;
    buckets_.erase(b);
    if (Status s = Read(db, b, b + 1); !s.ok()) {
      Clear();  // Half-read: trust nothing.
      return s;
    }
  }
  return Status::Ok();
}

void SpendCache::DropBefore(int64_t first_bucket) {
  if (first_bucket <= first_bucket_) return;
  buckets_.erase(buckets_.begin(), buckets_.lower_bound(first_bucket));
  first_bucket_ = first_bucket;
}

void SpendCache::Clear() {
  loaded_ = false;
  buckets_.clear();
}

SpendSums SpendCache::Sum(int64_t from_ms, int64_t to_ms,
                          const SpendFilter& filter) const {
  // Which (project, source) pairs the filter selects, worked out once.
  std::vector<char> selected;
  if (!filter.all()) {
    selected.reserve(keys_.size());
    for (const auto& [project, source] : keys_) {
      selected.push_back((filter.project_folder.empty() ||
                          project == filter.project_folder) &&
                         (filter.source.empty() || source == filter.source));
    }
  }
  SpendSums out;
  auto end = buckets_.lower_bound(RollupBucket(to_ms - 1) + 1);
  for (auto it = buckets_.lower_bound(RollupBucket(from_ms)); it != end; ++it) {
    if (filter.all()) {
      out.Add(it->second.total);
      continue;
    }
    for (const Entry& e : it->second.entries) {
      if (selected[e.key]) out.Add(e.sums);
    }
  }
  return out;
}

std::optional<PeriodSpan> SpendCache::ActiveBlock(int64_t now_ms) const {
  // From the newest quarter hour back to the last silence of 5 hours:
  // the rows `report blocks` needs to place the active block. One row per
  // quarter hour is enough: a block starts on the hour and lasts whole
  // hours, and a silence of 5 hours never falls inside a quarter hour.
  auto it = buckets_.upper_bound(RollupBucket(now_ms));
  int64_t since_ms = first_bucket_ * kRollupBucketMs;
  int64_t stretch_first = INT64_MAX;
  auto first = buckets_.begin();
  while (it != buckets_.begin()) {
    auto prev = std::prev(it);
    if (stretch_first != INT64_MAX && stretch_first - prev->second.last_ms >= kBlockMs) {
      since_ms = prev->second.last_ms;
      first = it;
      break;
    }
    stretch_first = std::min(stretch_first, prev->second.first_ms);
    it = prev;
  }
  UsageData data;
  data.dims.push_back(UsageDim{});
  for (auto b = first; b != buckets_.end() && b->first <= RollupBucket(now_ms); ++b) {
    UsageRow row;
    row.bucket_start_ms = b->first * kRollupBucketMs;
    row.events = 1;
    row.first_ms = b->second.first_ms;
    row.last_ms = b->second.last_ms;
    data.rows.push_back(row);
  }
  bool proven = false;
  return ActiveBlockPeriod(data, since_ms, now_ms, &proven);
}

}  // namespace cc
