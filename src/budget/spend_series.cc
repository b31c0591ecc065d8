#include "budget/spend_series.h"

#include <algorithm>

namespace cc {
namespace {

SpendSums Minus(const SpendSums& a, const SpendSums& b) {
  return SpendSums{a.cost_nano - b.cost_nano, a.tokens - b.tokens};
}

}  // namespace

void SpendSeries::Append(int64_t bucket, const SpendSums& value) {
  if (!buckets_.empty() && buckets_.back() == bucket) {
    values_.back().Add(value);
    running_.back().Add(value);
    return;
  }
  buckets_.push_back(bucket);
  values_.push_back(value);
  SpendSums running = running_.empty() ? SpendSums{} : running_.back();
  running.Add(value);
  running_.push_back(running);
}

void SpendSeries::Set(int64_t bucket, const SpendSums& value) {
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), bucket);
  const size_t at = static_cast<size_t>(it - buckets_.begin());
  const bool present = it != buckets_.end() && *it == bucket;
  if (!present && value.zero()) return;
  if (present && value.zero()) {
    buckets_.erase(it);
    values_.erase(values_.begin() + static_cast<std::ptrdiff_t>(at));
    running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(at));
  } else if (present) {
    values_[at] = value;
  } else {
    buckets_.insert(it, bucket);
    values_.insert(values_.begin() + static_cast<std::ptrdiff_t>(at), value);
    running_.insert(running_.begin() + static_cast<std::ptrdiff_t>(at), SpendSums{});
  }
  Recount(at);
}

void SpendSeries::DropBefore(int64_t bucket) {
  const auto n = std::lower_bound(buckets_.begin(), buckets_.end(), bucket) -
                 buckets_.begin();
  // Running totals keep counting from the dropped ones: Range subtracts.
  buckets_.erase(buckets_.begin(), buckets_.begin() + n);
  values_.erase(values_.begin(), values_.begin() + n);
  running_.erase(running_.begin(), running_.begin() + n);
}

void SpendSeries::Recount(size_t from) {
  for (size_t i = from; i < values_.size(); ++i) {
    SpendSums r = i == 0 ? SpendSums{} : running_[i - 1];
    r.Add(values_[i]);
    running_[i] = r;
  }
}

SpendSums SpendSeries::Range(int64_t first_bucket, int64_t end_bucket) const {
  const size_t lo = static_cast<size_t>(
      std::lower_bound(buckets_.begin(), buckets_.end(), first_bucket) - buckets_.begin());
  const size_t hi = static_cast<size_t>(
      std::lower_bound(buckets_.begin(), buckets_.end(), end_bucket) - buckets_.begin());
  if (lo >= hi) return SpendSums{};
  // running_[hi - 1] - running_[lo] + values_[lo]: the sum of lo..hi-1.
  SpendSums out = Minus(running_[hi - 1], running_[lo]);
  out.Add(values_[lo]);
  return out;
}

}  // namespace cc
