// SpendSeries: one stream of usage per quarter hour (ascending), with
// running totals, so that the sum over any range of quarter hours is two
// binary searches however long the range: a month of a budget is as
// cheap as a day. Changing the latest quarter hour (what a commit
// usually does) costs O(1); an older one re-adds the ones after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cc {

struct SpendSums {
  int64_t cost_nano = 0;  // Of the priced events.
  uint64_t tokens = 0;    // Tokens::Total().

  void Add(const SpendSums& o) {
    cost_nano += o.cost_nano;
    tokens += o.tokens;
  }
  bool zero() const { return cost_nano == 0 && tokens == 0; }
  double Dollars() const { return static_cast<double>(cost_nano) / 1e9; }
};

class SpendSeries {
 public:
  // Adds `value` to `bucket`, which is the latest so far or later (Load's
  // rows come in bucket order).
  void Append(int64_t bucket, const SpendSums& value);
  // Makes `bucket`'s value `value` (zero: none), wherever it is.
  void Set(int64_t bucket, const SpendSums& value);
  // Forgets the quarter hours before `bucket`.
  void DropBefore(int64_t bucket);

  // The sum over first_bucket <= bucket < end_bucket.
  SpendSums Range(int64_t first_bucket, int64_t end_bucket) const;

 private:
  // Running totals again from position `from` on.
  void Recount(size_t from);

  std::vector<int64_t> buckets_;
  std::vector<SpendSums> values_;
  std::vector<SpendSums> running_;  // running_[i]: values_[0..i] summed.
};

}  // namespace cc
