// BackgroundAlerts: delivers on its own thread when woken, and stops.
#include "alert/background_alerts.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "alert_rows.h"
#include "ledger/ledger_writer.h"
#include "test_util.h"
#include "webhook_receiver.h"

namespace cc {
namespace {

// Waits (a real thread is at work) at most `limit` for `done`.
template <typename F>
bool Eventually(F done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST(BackgroundAlerts, DeliversWhatACommitFiredWhenWoken) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(path, "pid 1 (test)");
  ASSERT_TRUE(writer.ok());
  test::WebhookReceiver receiver;
  AlertChannels channels;
  channels.webhook_url = receiver.Url("/hook/Zq9xSecret4242");
  channels.desktop = false;
  std::mutex mu;
  std::vector<std::string> notices;
  BackgroundAlerts alerts(path, channels, dir.Join("alerts.log"),
                          [&](const std::string& line) {
                            std::lock_guard<std::mutex> lock(mu);
                            notices.push_back(line);
                          });
  alerts.Start();
  const Alert a = test::ThresholdAlert("daily", 80, SystemClock().NowMs());
  test::InsertAlert(path, a, {"webhook"});
  alerts.Wake();
  ASSERT_TRUE(Eventually([&] { return receiver.received().size() == 1; }));
  EXPECT_NE(receiver.received()[0].body.find(a.id), std::string::npos);
  ASSERT_TRUE(Eventually([&] {
    return test::ReadFile(dir.Join("alerts.log")).find(a.id) != std::string::npos;
  }));
  const auto start = std::chrono::steady_clock::now();
  alerts.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(receiver.received().size(), 1u);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_FALSE(notices.empty());
  EXPECT_NE(notices[0].find(a.id), std::string::npos);
}

TEST(BackgroundAlerts, ALedgerItCannotUseIsSaidOnce) {
  test::TempDir dir;
  std::vector<std::string> notices;
  BackgroundAlerts alerts(dir.Join("missing/ledger.db"), AlertChannels{}, "",
                          [&](const std::string& line) { notices.push_back(line); });
  alerts.Start();
  alerts.Stop();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].rfind("alert delivery disabled: ", 0), 0u) << notices[0];
}

}  // namespace
}  // namespace cc
