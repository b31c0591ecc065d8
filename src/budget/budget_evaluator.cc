#include "budget/budget_evaluator.h"

#include "budget/budget_measure.h"
#include "ledger/fired_alerts.h"
#include "ledger/rollup.h"

namespace cc {
namespace {

// Ids are per period: past periods' are dropped once this many pile up.
constexpr size_t kMostKnownIds = 4096;

}  // namespace

BudgetEvaluator::BudgetEvaluator(BudgetConfig config, BudgetCalendar calendar,
                                 ProjectLookup projects)
    : config_(std::move(config)),
      calendar_(std::move(calendar)),
      projects_(std::move(projects)) {
  if (!config_.alerts.channels.webhook_url.empty()) channels_.push_back("webhook");
  if (!config_.alerts.channels.command.empty()) channels_.push_back("command");
}

bool BudgetEvaluator::enabled() const {
  return !config_.budgets.empty() || config_.alerts.anomaly.enabled;
}

bool BudgetEvaluator::TouchesCurrentPeriods(const CommitSummary& what,
                                            int64_t window_start_ms) {
  return !what.buckets.empty() &&
         (what.buckets.back() + 1) * kRollupBucketMs > window_start_ms;
}

Status BudgetEvaluator::BringCacheUpToDate(sql::Database& db,
                                           const CommitSummary& what,
                                           int64_t window_start_ms) {
  const int64_t first_bucket = RollupBucket(window_start_ms);
  Status s;
  // Another connection, a reprice or a rollback may have changed the
  // rollup since the cache was filled: then it is read whole.
  if (!cache_.loaded() || cache_seq_ != what.change_seq_before ||
      first_bucket < cache_.first_bucket()) {
    s = cache_.Load(db, first_bucket);
    known_ids_.clear();
  } else {
    cache_.DropBefore(first_bucket);
    s = cache_.Reload(db, what.buckets);
  }
  cache_seq_ = s.ok() ? what.change_seq_after : -1;
  return s;
}

Alert BudgetEvaluator::BudgetAlert(const Budget& budget, AlertKind kind, int pct,
                                   const PeriodSpan& period, double spent,
                                   double projected, int64_t now_ms) const {
  Alert a;
  a.kind = kind;
  a.id = std::string(AlertKindName(kind)) + ":" + budget.name + ":" +
         PeriodStartLabel(period, calendar_) + ":" + std::to_string(pct);
  a.budget = budget.name;
  a.period = BudgetPeriodName(budget.period);
  a.period_start_ms = period.start_ms;
  a.period_end_ms = period.end_ms;
  a.threshold_pct = pct;
  a.unit = budget.unit();
  a.spent = spent;
  a.limit = budget.limit();
  a.projected = projected;
  a.project = budget.project;
  a.source = budget.source;
  a.fired_ms = now_ms;
  return a;
}

void BudgetEvaluator::BudgetAlerts(int64_t now_ms, std::vector<Alert>* out) {
  const std::optional<PeriodSpan> block = cache_.ActiveBlock(now_ms);
  for (size_t i = 0; i < config_.budgets.size(); ++i) {
    const Budget& b = config_.budgets[i];
    const BudgetMeasure m =
        MeasureBudget(b, projects_.filter(i), cache_, calendar_, block, now_ms);
    if (!m.active) continue;
    const double projected = m.projected.value_or(0);
    for (int pct : b.thresholds) {
      if (m.percent < pct) break;  // Ascending.
      out->push_back(BudgetAlert(b, AlertKind::kThreshold, pct, m.period,
                                 m.spent, projected, now_ms));
    }
    if (config_.alerts.projection && m.projected && m.spent < b.limit() &&
        *m.projected > b.limit()) {
      out->push_back(BudgetAlert(b, AlertKind::kProjection, 0, m.period,
                                 m.spent, projected, now_ms));
    }
  }
}

Status BudgetEvaluator::Record(sql::Database& db, const std::vector<Alert>& alerts) {
  for (const Alert& a : alerts) {
    if (known_ids_.count(a.id) > 0) continue;
    Result<bool> added = RecordAlert(db, a, channels_);
    if (!added.ok()) return added.status();
    known_ids_.insert(a.id);
    pending_ids_.push_back(a.id);
    if (*added) pending_alerts_.push_back(a);
  }
  return Status::Ok();
}

Status BudgetEvaluator::InTransaction(sql::Database& db, const CommitSummary& what,
                                      int64_t now_ms) {
  pending_ids_.clear();
  pending_alerts_.clear();
  if (!enabled()) return Status::Ok();
  const bool anomaly = config_.alerts.anomaly.enabled;
  const int64_t window_start =
      SpendWindowStart(config_.budgets, calendar_, anomaly, now_ms);
  if (!TouchesCurrentPeriods(what, window_start)) {
    // The cache still matches the ledger when nothing it holds changed.
    if (cache_seq_ == what.change_seq_before) cache_seq_ = what.change_seq_after;
    return Status::Ok();
  }
  if (Status s = BringCacheUpToDate(db, what, window_start); !s.ok()) return s;
  if (Status s = projects_.Update(db, config_.budgets, cache_.pairs_seen()); !s.ok()) {
    return s;
  }
  std::vector<Alert> alerts;
  BudgetAlerts(now_ms, &alerts);
  if (anomaly) {
    Status s = anomaly_.Check(db, cache_, calendar_, config_.alerts.anomaly,
                              now_ms, &alerts);
    if (!s.ok()) return s;
  }
  if (known_ids_.size() > kMostKnownIds) known_ids_.clear();
  return Record(db, alerts);
}

void BudgetEvaluator::AfterCommit(bool committed) {
  if (!committed) {
    // Nothing of it is in the ledger: neither the ids nor the cache's view.
    for (const std::string& id : pending_ids_) known_ids_.erase(id);
    cache_seq_ = -1;
    anomaly_.Reset();
  } else if (!pending_alerts_.empty() && on_fired_) {
    on_fired_(pending_alerts_);
  }
  pending_ids_.clear();
  pending_alerts_.clear();
}

}  // namespace cc
