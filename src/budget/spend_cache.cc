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

Status SpendCache::Read(
    sql::Database& db, int64_t first_bucket, int64_t end_bucket,
    const std::function<void(int64_t, uint32_t, const SpendSums&, const Span&)>& row) {
  return ForEachSpendRow(db, first_bucket, end_bucket, [&](const SpendRowView& r) {
    row(r.bucket, KeyOf(r.project, r.source), SpendSums{r.cost_nano, r.tokens},
        Span{r.first_ms, r.last_ms});
  });
}

Status SpendCache::Load(sql::Database& db, int64_t first_bucket) {
  Clear();
  Status s = Read(db, first_bucket, INT64_MAX,
                  [this](int64_t bucket, uint32_t key, const SpendSums& sums,
                         const Span& span) {
                    if (by_key_.size() <= key) by_key_.resize(key + 1);
                    by_key_[key].Append(bucket, sums);
                    total_.Append(bucket, sums);
                    Span& held = spans_[bucket];
                    held.first_ms = std::min(held.first_ms, span.first_ms);
                    held.last_ms = std::max(held.last_ms, span.last_ms);
                  });
  if (!s.ok()) {
    Clear();
    return s;
  }
  first_bucket_ = first_bucket;
  loaded_ = true;
  return Status::Ok();
}

Status SpendCache::Reload(sql::Database& db, const std::vector<int64_t>& buckets) {
  for (int64_t b : buckets) {
    if (b < first_bucket_) continue;
    Fresh fresh;
    Status s = Read(db, b, b + 1,
                    [&fresh](int64_t, uint32_t key, const SpendSums& sums,
                             const Span& span) {
                      fresh.by_key[key].Add(sums);
                      fresh.total.Add(sums);
                      fresh.span.first_ms = std::min(fresh.span.first_ms, span.first_ms);
                      fresh.span.last_ms = std::max(fresh.span.last_ms, span.last_ms);
                    });
    if (!s.ok()) {
      Clear();  // Half-read: trust nothing.
      return s;
    }
    by_key_.resize(keys_.size());
    for (size_t k = 0; k < by_key_.size(); ++k) {
      auto it = fresh.by_key.find(static_cast<uint32_t>(k));
      by_key_[k].Set(b, it == fresh.by_key.end() ? SpendSums{} : it->second);
    }
    total_.Set(b, fresh.total);
    if (fresh.by_key.empty()) {
      spans_.erase(b);
    } else {
      spans_[b] = fresh.span;
    }
  }
  return Status::Ok();
}

void SpendCache::DropBefore(int64_t first_bucket) {
  if (first_bucket <= first_bucket_) return;
  total_.DropBefore(first_bucket);
  for (SpendSeries& series : by_key_) series.DropBefore(first_bucket);
  spans_.erase(spans_.begin(), spans_.lower_bound(first_bucket));
  first_bucket_ = first_bucket;
}

void SpendCache::Clear() {
  loaded_ = false;
  total_ = SpendSeries();
  by_key_.clear();
  spans_.clear();
}

SpendSums SpendCache::Sum(int64_t from_ms, int64_t to_ms,
                          const SpendFilter& filter) const {
  const int64_t first = RollupBucket(from_ms);
  const int64_t end = RollupBucket(to_ms - 1) + 1;
  if (filter.nothing) return SpendSums{};
  if (filter.all()) return total_.Range(first, end);
  SpendSums out;
  for (size_t k = 0; k < by_key_.size(); ++k) {
    const auto& [project, source] = keys_[k];
    if ((filter.project_folder.empty() || project == filter.project_folder) &&
        (filter.source.empty() || source == filter.source)) {
      out.Add(by_key_[k].Range(first, end));
    }
  }
  return out;
}

std::optional<PeriodSpan> SpendCache::ActiveBlock(int64_t now_ms) const {
  // From the newest quarter hour back to the last silence of 5 hours:
  // the rows `report blocks` needs to place the active block. One row per
  // quarter hour is enough: a block starts on the hour and lasts whole
  // hours, and a silence of 5 hours never falls inside a quarter hour.
  auto it = spans_.upper_bound(RollupBucket(now_ms));
  int64_t since_ms = first_bucket_ * kRollupBucketMs;
  int64_t stretch_first = INT64_MAX;
  auto first = spans_.begin();
  while (it != spans_.begin()) {
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
  for (auto b = first; b != spans_.end() && b->first <= RollupBucket(now_ms); ++b) {
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
