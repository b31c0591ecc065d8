#include "alert/alert_dispatcher.h"

#include <algorithm>

#include "alert/alert_payload.h"
#include "core/civil_time.h"

namespace cc {

AlertDispatcher::AlertDispatcher(AlertQueue& queue, AlertChannelSet channels,
                                 const Clock& clock, Notice notice)
    : queue_(queue),
      channels_(std::move(channels)),
      clock_(clock),
      notice_(std::move(notice)) {}

void AlertDispatcher::Say(const std::string& line) const {
  if (notice_) notice_(line);
}

int64_t AlertDispatcher::MsLeft() const {
  if (deadline_ns_ == INT64_MAX) return INT64_MAX;
  return (deadline_ns_ - clock_.SteadyNs()) / 1'000'000;
}

Result<DispatchReport> AlertDispatcher::DeliverDue(int64_t time_budget_ms) {
  const int64_t start_ns = clock_.SteadyNs();
  deadline_ns_ = time_budget_ms == kNoBudget
                     ? INT64_MAX
                     : start_ns + std::max<int64_t>(time_budget_ms, 0) * 1'000'000;
  DispatchReport report;
  if (Status s = LogNew(report); !s.ok()) return s;
  const std::vector<std::string> names = channels_.RetryingNames();
  while (!report.out_of_time) {
    Result<std::vector<DueDelivery>> due = queue_.Due(clock_.NowMs(), names, kBatch);
    if (!due.ok()) return due.status();
    if (due->empty()) break;
    for (const DueDelivery& d : *due) {
      if (MsLeft() <= 0) {
        report.out_of_time = true;
        break;
      }
      if (Status s = Attempt(d, report); !s.ok()) return s;
    }
  }
  Result<std::optional<int64_t>> next = queue_.NextAttemptMs(names);
  if (!next.ok()) return next.status();
  report.next_attempt_ms = *next;
  return report;
}

// The log (always) and the desktop (best effort) for each alert first
// seen. The log is fast and local: it is not held to the budget.
Status AlertDispatcher::LogNew(DispatchReport& report) {
  // A notifier that failed (no daemon answering) is not tried again this
  // round: each try could cost its whole bound.
  bool desktop = channels_.desktop != nullptr;
  for (;;) {
    Result<std::vector<Alert>> alerts = queue_.Unlogged(kBatch);
    if (!alerts.ok()) return alerts.status();
    if (alerts->empty()) return Status::Ok();
    for (const Alert& a : *alerts) {
      if (channels_.log != nullptr) {
        if (Status s = channels_.log->Deliver(a, "", 0); !s.ok()) Say(s.message());
      }
      if (desktop && MsLeft() > 0) {
        Status s = channels_.desktop->Deliver(a, "", MsLeft());
        if (!s.ok()) {
          if (!desktop_failed_) {
            Say("desktop notification failed (not retried): " + s.message());
          }
          desktop_failed_ = true;
          desktop = false;
        }
      }
      if (Status s = queue_.MarkLogged(a.id, clock_.NowMs()); !s.ok()) return s;
      ++report.logged;
    }
  }
}

Status AlertDispatcher::Attempt(const DueDelivery& due, DispatchReport& report) {
  AlertChannel* channel = channels_.Retrying(due.channel);
  if (channel == nullptr) return Status::Ok();  // Due lists only ours.
  const std::string payload = AlertPayloadJson(due.alert);
  Status sent = channel->Deliver(due.alert, payload, MsLeft());
  bool& failing = failing_[due.channel];
  if (sent.ok()) {
    if (Status s = queue_.MarkDelivered(due.alert.id, due.channel, clock_.NowMs());
        !s.ok()) {
      return s;
    }
    ++report.delivered;
    if (failing) Say("alert delivery by " + due.channel + " recovered");
    failing = false;
    return Status::Ok();
  }
  Result<FailureMark> mark = queue_.MarkFailed(due.alert.id, due.channel,
                                               sent.message(), clock_.NowMs(),
                                               IsPermanentFailure(sent));
  if (!mark.ok()) return mark.status();
  ++report.failed;
  if (mark->given_up) {
    ++report.given_up;
    Say("alert " + due.alert.id + " not delivered by " + due.channel +
        ": given up after " + std::to_string(mark->attempts) +
        (mark->attempts == 1 ? " attempt: " : " attempts: ") + sent.message());
  } else if (!failing) {
    Say("alert delivery by " + due.channel + " failing, will retry (next at " +
        FormatIsoTimestampMs(mark->next_attempt_ms) + "): " + sent.message());
  }
  failing = !mark->given_up || failing;
  return Status::Ok();
}

}  // namespace cc
