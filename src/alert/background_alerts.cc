#include "alert/background_alerts.h"

#include <algorithm>
#include <chrono>

#include "alert/alert_dispatcher.h"
#include "core/clock.h"

namespace cc {

BackgroundAlerts::BackgroundAlerts(std::string ledger_path,
                                   AlertChannels channels, std::string log_path,
                                   Notice notice)
    : ledger_path_(std::move(ledger_path)),
      channels_(std::move(channels)),
      log_path_(std::move(log_path)),
      notice_(std::move(notice)) {}

void BackgroundAlerts::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void BackgroundAlerts::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

void BackgroundAlerts::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool BackgroundAlerts::Wait(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms),
                 [this] { return stopping_ || woken_; });
  woken_ = false;
  return !stopping_;
}

void BackgroundAlerts::Run() {
  Result<std::unique_ptr<AlertQueue>> queue = AlertQueue::Open(ledger_path_);
  if (!queue.ok()) {
    notice_("alert delivery disabled: " + queue.status().message());
    return;
  }
  Result<AlertChannelSet> channels =
      MakeAlertChannels(channels_, log_path_, notice_);
  if (!channels.ok()) {
    notice_("alert delivery disabled: " + channels.status().message());
    return;
  }
  SystemClock clock;
  AlertDispatcher dispatcher(**queue, std::move(*channels), clock, notice_);
  std::string last_problem;
  for (;;) {
    int64_t wait_ms = kLookEveryMs;
    Result<DispatchReport> round = dispatcher.DeliverDue(kRoundBudgetMs);
    if (!round.ok()) {
      // The ledger busy or failing: said once, tried again shortly.
      if (round.status().message() != last_problem) {
        notice_("alert delivery: " + round.status().message() + " (will retry)");
      }
      last_problem = round.status().message();
      wait_ms = 5'000;
    } else {
      last_problem.clear();
      if (round->out_of_time) {
        wait_ms = 0;
      } else if (round->next_attempt_ms) {
        wait_ms = std::clamp<int64_t>(*round->next_attempt_ms - clock.NowMs(), 0,
                                      kLookEveryMs);
      }
    }
    if (!Wait(wait_ms)) return;
  }
}

}  // namespace cc
