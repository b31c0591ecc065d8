#include "budget/anomaly.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "ledger/rollup.h"
#include "ledger/spend_rows.h"

namespace cc {
namespace {

constexpr int64_t kHourMs = 3600'000;
constexpr int64_t kDayMs = 24 * kHourMs;

double Median(std::vector<double>& v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

// The local hour of day (0..23) at a UTC instant.
int LocalHourOfDay(const TimeZone& zone, int64_t utc_ms) {
  const int64_t local = utc_ms + int64_t{zone.OffsetAt(utc_ms)} * 1000;
  return static_cast<int>((local - FloorDiv(local, kDayMs) * kDayMs) / kHourMs);
}

Alert AnomalyAlert(const char* what, const PeriodSpan& span, double cost,
                   double bound, const BudgetCalendar& calendar, int64_t now_ms) {
  Alert a;
  a.kind = AlertKind::kAnomaly;
  a.budget = what;
  a.period = what;
  a.period_start_ms = span.start_ms;
  a.period_end_ms = span.end_ms;
  a.unit = "usd";
  a.spent = cost;
  a.limit = bound;
  a.fired_ms = now_ms;
  a.id = std::string("anomaly:") + what + ":" + PeriodStartLabel(span, calendar) + ":0";
  return a;
}

}  // namespace

Baseline BaselineOf(std::vector<double> values) {
  Baseline b;
  b.days = values.size();
  b.median = Median(values);
  for (double& v : values) v = std::fabs(v - b.median);
  b.mad = Median(values);
  return b;
}

Status AnomalyWatch::ReadBaselines(sql::Database& db, const BudgetCalendar& calendar,
                                   int64_t now_ms) {
  hour_.reset();
  day_.reset();
  const TimeZone& zone = calendar.zone;
  const int64_t today = zone.LocalDay(now_ms);
  const int64_t first_day = today - kAnomalyBaselineDays;
  Result<std::optional<int64_t>> first = FirstSpendBucket(db);
  if (!first.ok()) return first.status();
  if (!*first) return Status::Ok();
  const int64_t counted_from =
      std::max(first_day, zone.LocalDay(**first * kRollupBucketMs));
  if (today - counted_from < kAnomalyMinDays) return Status::Ok();
  // Cost per local day and hour of day over the previous 14 days.
  std::array<std::array<double, 24>, kAnomalyBaselineDays> hours{};
  std::array<double, kAnomalyBaselineDays> days{};
  Status s = ForEachSpendRow(
      db, RollupBucket(zone.LocalDayStart(first_day)),
      RollupBucket(zone.LocalDayStart(today)), [&](const SpendRowView& r) {
        const int64_t t = r.bucket * kRollupBucketMs;
        const int64_t d = zone.LocalDay(t) - first_day;
        if (d < 0 || d >= kAnomalyBaselineDays) return;
        const double dollars = static_cast<double>(r.cost_nano) / 1e9;
        days[static_cast<size_t>(d)] += dollars;
        hours[static_cast<size_t>(d)][static_cast<size_t>(LocalHourOfDay(zone, t))] +=
            dollars;
      });
  if (!s.ok()) return s;
  const size_t hour = static_cast<size_t>(LocalHourOfDay(zone, now_ms));
  std::vector<double> same_hour, totals;
  for (int64_t d = counted_from - first_day; d < kAnomalyBaselineDays; ++d) {
    same_hour.push_back(hours[static_cast<size_t>(d)][hour]);
    totals.push_back(days[static_cast<size_t>(d)]);
  }
  hour_ = BaselineOf(std::move(same_hour));
  day_ = BaselineOf(std::move(totals));
  return Status::Ok();
}

Status AnomalyWatch::Check(sql::Database& db, const SpendCache& cache,
                           const BudgetCalendar& calendar,
                           const AnomalySettings& settings, int64_t now_ms,
                           std::vector<Alert>* out) {
  const int64_t hour_start = calendar.zone.FloorToLocalHour(now_ms);
  if (hour_start != baseline_hour_) {
    if (Status s = ReadBaselines(db, calendar, now_ms); !s.ok()) return s;
    baseline_hour_ = hour_start;
  }
  const PeriodSpan day = CalendarPeriodAt(BudgetPeriod::kDay, calendar, now_ms);
  const PeriodSpan hour{hour_start, std::min(hour_start + kHourMs, day.end_ms)};
  struct Check {
    const char* what;
    const std::optional<Baseline>& baseline;
    PeriodSpan span;
  } checks[] = {{"hour", hour_, hour}, {"day", day_, day}};
  for (const Check& c : checks) {
    if (!c.baseline) continue;
    const double cost = cache.Sum(c.span.start_ms, c.span.end_ms, SpendFilter{}).Dollars();
    const double bound = c.baseline->Bound(settings.k);
    if (cost > bound && cost >= settings.min_usd) {
      out->push_back(AnomalyAlert(c.what, c.span, cost, bound, calendar, now_ms));
    }
  }
  return Status::Ok();
}

}  // namespace cc
