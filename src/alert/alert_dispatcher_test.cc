// AlertDispatcher over a real ledger, a real webhook receiver on loopback
// and a fake clock: what is delivered, when it is retried, when given up.
#include "alert/alert_dispatcher.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "alert/alert_payload.h"
#include "alert/command_channel.h"
#include "alert/desktop_channel.h"
#include "alert/webhook_channel.h"
#include "alert_rows.h"
#include "ledger/ledger_writer.h"
#include "test_util.h"
#include "webhook_receiver.h"

namespace cc {
namespace {

constexpr const char* kHookPath = "/services/T0ABC1234/B0DEF5678/Zq9xSecret4242";
constexpr int64_t kSecond = 1000;

class AlertDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.Join("ledger.db");
    Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(path_, "pid 1 (test)");
    ASSERT_TRUE(w.ok()) << w.status().message();
    writer_ = std::move(*w);
    Result<std::unique_ptr<AlertQueue>> q = AlertQueue::Open(path_);
    ASSERT_TRUE(q.ok()) << q.status().message();
    queue_ = std::move(*q);
  }

  // A dispatcher with the webhook to `receiver_` and the log to a file
  // ("" command: none).
  std::unique_ptr<AlertDispatcher> Dispatcher(const std::string& command = "",
                                              const std::string& notify_send = "") {
    AlertChannelSet set;
    if (!notify_send.empty()) {
      // A notify-send that counts its calls in desktop.calls, then runs
      // `notify_send`.
      const std::string bin = dir_.Join("bin");
      mkdir(bin.c_str(), 0700);
      test::WriteFile(bin + "/notify-send", "#!/bin/sh\necho x >> '" +
                                               dir_.Join("desktop.calls") + "'\n" +
                                               notify_send + "\n");
      chmod((bin + "/notify-send").c_str(), 0700);
      set.desktop = DesktopChannel::Create("unix:path=/run/bus", bin);
    }
    Result<std::unique_ptr<WebhookChannel>> hook =
        WebhookChannel::Create(receiver_.Url(kHookPath));
    EXPECT_TRUE(hook.ok());
    set.webhook = std::move(*hook);
    if (!command.empty()) set.command = std::make_unique<CommandChannel>(command);
    auto say = [this](const std::string& line) { notices_.push_back(line); };
    set.log = std::make_unique<LogChannel>(dir_.Join("alerts.log"), say);
    return std::make_unique<AlertDispatcher>(*queue_, std::move(set), clock_, say);
  }

  DispatchReport Round(AlertDispatcher& d, int64_t budget_ms = AlertDispatcher::kNoBudget) {
    Result<DispatchReport> r = d.DeliverDue(budget_ms);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : DispatchReport{};
  }

  AlertDeliveryHealth Health() {
    Result<AlertDeliveryHealth> h = queue_->Health();
    EXPECT_TRUE(h.ok());
    return h.ok() ? *h : AlertDeliveryHealth{};
  }

  size_t LogLines() {
    const std::string log = test::ReadFile(dir_.Join("alerts.log"));
    return static_cast<size_t>(std::count(log.begin(), log.end(), '\n'));
  }

  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<LedgerWriter> writer_;
  std::unique_ptr<AlertQueue> queue_;
  test::FakeClock clock_;
  test::WebhookReceiver receiver_;
  std::vector<std::string> notices_;
};

TEST_F(AlertDispatcherTest, DeliversTheExactPayloadOnceAndLogsItOnce) {
  const Alert a = test::ThresholdAlert("daily", 80, clock_.NowMs());
  test::InsertAlert(path_, a, {"webhook"});
  auto d = Dispatcher();
  DispatchReport r = Round(*d);
  EXPECT_EQ(r.logged, 1u);
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_FALSE(r.next_attempt_ms.has_value());
  ASSERT_EQ(receiver_.received().size(), 1u);
  EXPECT_EQ(receiver_.received()[0].body, AlertPayloadJson(a));
  EXPECT_EQ(LogLines(), 1u);
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_EQ(notices_[0], AlertNoticeLine(a));
  // Again, and from a dispatcher of another process: nothing more.
  clock_.now_ms += 3'600 * kSecond;
  Round(*d);
  Round(*Dispatcher());
  EXPECT_EQ(receiver_.received().size(), 1u);
  EXPECT_EQ(LogLines(), 1u);
  EXPECT_EQ(Health().delivered, 1u);
}

TEST_F(AlertDispatcherTest, AFailingReceiverIsRetriedWithBackoffThenGivenUp) {
  receiver_.Answer(503);
  const Alert a = test::ThresholdAlert("daily", 80, clock_.NowMs());
  test::InsertAlert(path_, a, {"webhook"});
  auto d = Dispatcher();
  const int64_t t0 = clock_.NowMs();
  std::vector<int64_t> attempts_at;  // Seconds after t0.
  // A round a moment before each retry sends nothing; one at it sends.
  DispatchReport r = Round(*d);
  attempts_at.push_back(0);
  while (r.next_attempt_ms) {
    const int64_t next = *r.next_attempt_ms;
    clock_.now_ms = next - 1;
    Round(*d);
    ASSERT_EQ(receiver_.received().size(), attempts_at.size());
    clock_.now_ms = next;
    r = Round(*d);
    ASSERT_EQ(receiver_.received().size(), attempts_at.size() + 1);
    attempts_at.push_back((next - t0) / kSecond);
    ASSERT_LE(attempts_at.size(), 20u);
  }
  // Nothing more, ever.
  clock_.now_ms += 30LL * 24 * 3'600 * kSecond;
  Round(*d);
  EXPECT_EQ(receiver_.received().size(), attempts_at.size());
  EXPECT_EQ(attempts_at, (std::vector<int64_t>{0, 30, 90, 210, 450, 930, 1890,
                                               3810, 7410, 11010}));
  const AlertDeliveryHealth h = Health();
  EXPECT_EQ(h.given_up, 1u);
  EXPECT_EQ(h.pending, 0u);
  EXPECT_NE(h.last_error.find("answered HTTP 503"), std::string::npos) << h.last_error;
  // Said twice: when it started failing, and when it was given up.
  ASSERT_EQ(notices_.size(), 3u);  // The log line first.
  EXPECT_NE(notices_[1].find("alert delivery by webhook failing, will retry (next at "),
            std::string::npos)
      << notices_[1];
  EXPECT_NE(notices_[2].find("not delivered by webhook: given up after 10 attempts"),
            std::string::npos)
      << notices_[2];
}

TEST_F(AlertDispatcherTest, AReceiverThatComesBackGetsItOnce) {
  receiver_.Answer(500);
  const Alert a = test::ThresholdAlert("daily", 80, clock_.NowMs());
  test::InsertAlert(path_, a, {"webhook"});
  auto d = Dispatcher();
  DispatchReport r = Round(*d);
  EXPECT_EQ(r.failed, 1u);
  ASSERT_TRUE(r.next_attempt_ms.has_value());
  EXPECT_EQ(*r.next_attempt_ms, clock_.NowMs() + 30 * kSecond);
  EXPECT_EQ(Health().failing, 1u);
  receiver_.Answer(200);
  clock_.now_ms = *r.next_attempt_ms;
  r = Round(*d);
  EXPECT_EQ(r.delivered, 1u);
  for (int i = 0; i < 5; ++i) {
    clock_.now_ms += 3'600 * kSecond;
    Round(*d);
  }
  const auto got = receiver_.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body, got[1].body);  // The same alert, the same id.
  EXPECT_EQ(Health().failing, 0u);
  EXPECT_EQ(Health().delivered, 1u);
  EXPECT_EQ(Health().last_error, "");
  EXPECT_EQ(notices_.back(), "alert delivery by webhook recovered");
}

TEST_F(AlertDispatcherTest, ARefusalIsGivenUpAtOnce) {
  receiver_.Answer(404);
  test::InsertAlert(path_, test::ThresholdAlert("daily", 80, clock_.NowMs()), {"webhook"});
  auto d = Dispatcher();
  DispatchReport r = Round(*d);
  EXPECT_EQ(r.given_up, 1u);
  clock_.now_ms += 24 * 3'600 * kSecond;
  Round(*d);
  EXPECT_EQ(receiver_.received().size(), 1u);
  EXPECT_EQ(Health().given_up, 1u);
}

// What a process left undelivered (killed after the commit, before the
// delivery) the next one delivers, with the same id.
TEST_F(AlertDispatcherTest, WhatOneProcessLeftTheNextDelivers) {
  const Alert a = test::ThresholdAlert("daily", 80, clock_.NowMs());
  test::InsertAlert(path_, a, {"webhook"});
  { auto first = Dispatcher(); }  // Gone before its round.
  Round(*Dispatcher());
  ASSERT_EQ(receiver_.received().size(), 1u);
  EXPECT_NE(receiver_.received()[0].body.find("\"id\":\"" + a.id + "\""), std::string::npos);
}

TEST_F(AlertDispatcherTest, TheBudgetLeavesTheRestForTheNextRound) {
  test::InsertAlert(path_, test::ThresholdAlert("daily", 50, clock_.NowMs()), {"webhook"});
  test::InsertAlert(path_, test::ThresholdAlert("daily", 80, clock_.NowMs()), {"webhook"});
  auto d = Dispatcher();
  // No time at all (the fake clock's steady time does not move): logged,
  // as that is local and quick, but nothing sent.
  DispatchReport r = Round(*d, 0);
  EXPECT_TRUE(r.out_of_time);
  EXPECT_EQ(r.logged, 2u);
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(Health().pending, 2u);
  EXPECT_EQ(r.next_attempt_ms, clock_.NowMs());  // Due now.
  r = Round(*d);
  EXPECT_EQ(r.delivered, 2u);
  EXPECT_EQ(receiver_.received().size(), 2u);
}

TEST_F(AlertDispatcherTest, TheCommandGetsTheJsonAndIsDeliveredOnItsOwn) {
  receiver_.Answer(503);
  const std::string out = dir_.Join("command.json");
  const Alert a = test::ThresholdAlert("daily", 100, clock_.NowMs());
  test::InsertAlert(path_, a, {"webhook", "command"});
  auto d = Dispatcher("cat >> '" + out + "'");
  DispatchReport r = Round(*d);
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(test::ReadFile(out), AlertPayloadJson(a));
  clock_.now_ms += 60 * kSecond;
  Round(*d);
  EXPECT_EQ(test::ReadFile(out), AlertPayloadJson(a));  // Not run again.
  EXPECT_EQ(receiver_.received().size(), 2u);           // The webhook retried.
}

// A delivery for a channel this process does not have waits for one that
// does: never lost, never given up for it.
TEST_F(AlertDispatcherTest, AChannelNotConfiguredHereWaits) {
  test::InsertAlert(path_, test::ThresholdAlert("daily", 80, clock_.NowMs()), {"command"});
  DispatchReport r = Round(*Dispatcher());
  EXPECT_EQ(r.delivered + r.failed, 0u);
  EXPECT_EQ(Health().pending, 1u);
}

TEST_F(AlertDispatcherTest, NoSecretOfTheUrlInNoticesOrHealth) {
  receiver_.Answer(500);
  receiver_.Echo(true);
  test::InsertAlert(path_, test::ThresholdAlert("daily", 80, clock_.NowMs()), {"webhook"});
  auto d = Dispatcher();
  for (int i = 0; i < 12; ++i) {
    Round(*d);
    clock_.now_ms += 3'600 * kSecond;
  }
  std::string all = Health().last_error;
  for (const std::string& n : notices_) all += "\n" + n;
  EXPECT_NE(all.find("you sent [redacted]"), std::string::npos) << all;
  for (const char* part : {"Zq9xSecret4242", "T0ABC1234", "B0DEF5678"}) {
    EXPECT_EQ(all.find(part), std::string::npos) << all;
  }
}

TEST_F(AlertDispatcherTest, TheDesktopOncePerAlert) {
  test::InsertAlert(path_, test::ThresholdAlert("daily", 50, clock_.NowMs()), {});
  test::InsertAlert(path_, test::ThresholdAlert("daily", 80, clock_.NowMs()), {});
  auto d = Dispatcher("", "exit 0");
  Round(*d);
  Round(*d);
  Round(*Dispatcher("", "exit 0"));
  EXPECT_EQ(test::ReadFile(dir_.Join("desktop.calls")), "x\nx\n");
}

// A notifier that fails is said once and not tried again this round (each
// try could cost its whole bound); the alerts are logged all the same and
// the desktop is not retried for them.
TEST_F(AlertDispatcherTest, AFailingDesktopIsSaidOnceAndSkippedForTheRound) {
  for (int pct : {50, 80, 100}) {
    test::InsertAlert(path_, test::ThresholdAlert("daily", pct, clock_.NowMs()), {});
  }
  auto d = Dispatcher("", "exit 1");
  DispatchReport r = Round(*d);
  EXPECT_EQ(r.logged, 3u);
  EXPECT_EQ(LogLines(), 3u);
  EXPECT_EQ(test::ReadFile(dir_.Join("desktop.calls")), "x\n");
  size_t said = 0;
  for (const std::string& n : notices_) {
    said += n.rfind("desktop notification failed (not retried): notify-send failed", 0) == 0;
  }
  EXPECT_EQ(said, 1u);
  Round(*d);
  EXPECT_EQ(test::ReadFile(dir_.Join("desktop.calls")), "x\n");
}

}  // namespace
}  // namespace cc
