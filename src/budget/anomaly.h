// AnomalyWatch: the anomaly alerts (docs/budgets.md). An hour is unusual
// when its cost is above median + k * MAD of the cost of the same local
// hour of day on each of the previous 14 days, and at least min_usd; a
// day likewise against the previous 14 days' totals. Days before the
// ledger's first usage are not counted, and with fewer than 7 counted
// there is no baseline and no alert. Each fires at most once per hour or
// day (its id).
//
// The baselines are read once per local hour (14 days of the rollup) and
// kept; a commit then costs two sums over the SpendCache.
// Thread safety: none; one owner.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "budget/alert.h"
#include "budget/budget_config.h"
#include "budget/budget_period.h"
#include "budget/spend_cache.h"
#include "core/status.h"

namespace cc {

namespace sql {
class Database;
}

inline constexpr int kAnomalyBaselineDays = 14;
inline constexpr int kAnomalyMinDays = 7;

// The median of `values` and their median absolute deviation from it.
struct Baseline {
  double median = 0;
  double mad = 0;
  size_t days = 0;

  double Bound(double k) const { return median + k * mad; }
};
Baseline BaselineOf(std::vector<double> values);

class AnomalyWatch {
 public:
  // Appends to `*out` the anomaly alerts of the hour and the day holding
  // `now_ms` whose cost (from `cache`, which holds today) is unusual.
  Status Check(sql::Database& db, const SpendCache& cache,
               const BudgetCalendar& calendar, const AnomalySettings& settings,
               int64_t now_ms, std::vector<Alert>* out);

  // Forgets the baselines (read again at the next check).
  void Reset() { baseline_hour_ = INT64_MIN; }

 private:
  Status ReadBaselines(sql::Database& db, const BudgetCalendar& calendar,
                       int64_t now_ms);

  int64_t baseline_hour_ = INT64_MIN;  // The local hour they were read in.
  std::optional<Baseline> hour_;
  std::optional<Baseline> day_;
};

}  // namespace cc
