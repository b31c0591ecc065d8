// AlertDispatcher: delivers what the ledger's alert tables hold through a
// process's channels (docs/budgets.md, "Delivery").
//
// One round (DeliverDue):
//  1. every alert not yet logged goes to the log (a line in alerts.log and
//     through the notice) and to the desktop, then is marked logged (its
//     "log" row in alert_deliveries). First seen, across processes: the
//     row says it was; only the process holding the writer lock delivers,
//     so two never race for it. A crash between the line and the mark
//     logs it again (at-least-once, like everything else).
//  2. every delivery of this process's retrying channels that is due is
//     attempted, in the order they came due: delivered, or failed (the
//     next attempt after AlertQueue's backoff, or given up).
// A round stops when nothing is due or `time_budget_ms` is spent (the
// rest stays due for the next round: `sync --once` bounds it to a few
// seconds and says what it left). Each attempt gets what is left of the
// budget as its own bound.
//
// Notices (one line a person should read, escaped by whoever prints):
// each alert's log line; a channel that starts failing, gives a delivery
// up, or recovers; a desktop that fails (once). The clock is the seam:
// "now" for due and for the marks, its steady time for the budget.
// Not thread-safe: one thread (the queue's).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "alert/alert_channel_set.h"
#include "alert/alert_queue.h"
#include "core/clock.h"

namespace cc {

struct DispatchReport {
  uint64_t logged = 0;     // Alerts logged this round.
  uint64_t delivered = 0;  // Deliveries that succeeded.
  uint64_t failed = 0;     // Attempts that failed (retried later or given up).
  uint64_t given_up = 0;   // Of those, deliveries given up.
  bool out_of_time = false;  // Stopped by the budget with work left.
  // The soonest retry of this process's channels still waiting, if any:
  // when the next round has work.
  std::optional<int64_t> next_attempt_ms;
};

class AlertDispatcher {
 public:
  using Notice = std::function<void(const std::string&)>;

  // `queue` and `clock` must outlive the dispatcher. `notice` may be null.
  AlertDispatcher(AlertQueue& queue, AlertChannelSet channels,
                  const Clock& clock, Notice notice);

  static constexpr int64_t kNoBudget = INT64_MAX;
  Result<DispatchReport> DeliverDue(int64_t time_budget_ms = kNoBudget);

 private:
  static constexpr size_t kBatch = 50;
  int64_t MsLeft() const;
  Status LogNew(DispatchReport& report);
  Status Attempt(const DueDelivery& due, DispatchReport& report);
  void Say(const std::string& line) const;

  AlertQueue& queue_;
  const AlertChannelSet channels_;
  const Clock& clock_;
  const Notice notice_;
  std::map<std::string, bool> failing_;  // By channel: said it fails.
  bool desktop_failed_ = false;          // Said once per process.
  int64_t deadline_ns_ = 0;              // Steady; this round's.
};

}  // namespace cc
