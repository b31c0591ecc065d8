// AlertQueue over a real ledger, with alerts inserted as the evaluator
// inserts them.
#include "alert/alert_queue.h"

#include <gtest/gtest.h>

#include "alert_rows.h"
#include "ledger/ledger_writer.h"
#include "ledger/schema.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;
const std::vector<std::string> kRetrying = {"webhook", "command"};

class AlertQueueTest : public ::testing::Test {
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

  AlertDeliveryHealth Health() {
    Result<AlertDeliveryHealth> h = queue_->Health();
    EXPECT_TRUE(h.ok()) << h.status().message();
    return h.ok() ? *h : AlertDeliveryHealth{};
  }

  std::vector<DueDelivery> Due(int64_t now, std::vector<std::string> channels = kRetrying) {
    Result<std::vector<DueDelivery>> due = queue_->Due(now, channels, 100);
    EXPECT_TRUE(due.ok()) << due.status().message();
    return due.ok() ? *due : std::vector<DueDelivery>{};
  }

  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<LedgerWriter> writer_;
  std::unique_ptr<AlertQueue> queue_;
};

TEST_F(AlertQueueTest, DueListsEachUndeliveredChannelWithItsAlert) {
  Alert a = test::ThresholdAlert("daily", 80, kT0);
  a.project = "/home/me/work";
  a.source = "laptop";
  test::InsertAlert(path_, a, {"webhook", "command"});
  test::InsertAlert(path_, test::ThresholdAlert("daily", 100, kT0 + 5), {"webhook"});
  std::vector<DueDelivery> due = Due(kT0 + 10);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].alert.id, a.id);
  EXPECT_EQ(due[0].channel, "command");
  EXPECT_EQ(due[1].channel, "webhook");
  EXPECT_EQ(due[2].alert.threshold_pct, 100);
  // Every field read back as written.
  const Alert& got = due[0].alert;
  EXPECT_EQ(got.kind, AlertKind::kThreshold);
  EXPECT_EQ(got.budget, "daily");
  EXPECT_EQ(got.period, "day");
  EXPECT_EQ(got.period_start_ms, a.period_start_ms);
  EXPECT_EQ(got.period_end_ms, a.period_end_ms);
  EXPECT_EQ(got.unit, "usd");
  EXPECT_DOUBLE_EQ(got.spent, 16);
  EXPECT_DOUBLE_EQ(got.limit, 20);
  EXPECT_DOUBLE_EQ(got.projected, 31.5);
  EXPECT_EQ(got.project, "/home/me/work");
  EXPECT_EQ(got.source, "laptop");
  EXPECT_EQ(got.fired_ms, kT0);
  // Only the channels asked for.
  EXPECT_EQ(Due(kT0 + 10, {"command"}).size(), 1u);
  EXPECT_TRUE(Due(kT0 + 10, {}).empty());
}

TEST_F(AlertQueueTest, ADeliveredOneIsNeverListedAgain) {
  const Alert a = test::ThresholdAlert("daily", 80, kT0);
  test::InsertAlert(path_, a, {"webhook"});
  ASSERT_TRUE(queue_->MarkDelivered(a.id, "webhook", kT0 + 1).ok());
  EXPECT_TRUE(Due(kT0 + 1'000'000'000).empty());
  // A failure reported late (a second process) does not revive it.
  Result<FailureMark> late = queue_->MarkFailed(a.id, "webhook", "x", kT0 + 2, false);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->attempts, 0);
  EXPECT_TRUE(Due(kT0 + 1'000'000'000).empty());
  EXPECT_EQ(Health().delivered, 1u);
  EXPECT_EQ(Health().pending, 0u);
}

TEST(AlertQueue, RetryDelaysDoubleFromThirtySecondsToAnHour) {
  std::vector<int64_t> delays;
  for (int64_t n = 1; n <= 10; ++n) delays.push_back(AlertQueue::RetryDelayMs(n) / 1000);
  EXPECT_EQ(delays, (std::vector<int64_t>{30, 60, 120, 240, 480, 960, 1920, 3600,
                                          3600, 3600}));
}

TEST_F(AlertQueueTest, FailuresBackOffThenGiveUpAfterTheLastAttempt) {
  const Alert a = test::ThresholdAlert("daily", 80, kT0);
  test::InsertAlert(path_, a, {"webhook"});
  int64_t now = kT0;
  for (int64_t n = 1; n <= AlertQueue::kMaxAttempts; ++n) {
    ASSERT_EQ(Due(now).size(), 1u) << "attempt " << n;
    Result<FailureMark> m =
        queue_->MarkFailed(a.id, "webhook", "HTTP 503 #" + std::to_string(n), now, false);
    ASSERT_TRUE(m.ok()) << m.status().message();
    EXPECT_EQ(m->attempts, n);
    if (n < AlertQueue::kMaxAttempts) {
      EXPECT_FALSE(m->given_up);
      EXPECT_EQ(m->next_attempt_ms, now + AlertQueue::RetryDelayMs(n));
      // Not due a moment before its time.
      EXPECT_TRUE(Due(m->next_attempt_ms - 1).empty()) << "attempt " << n;
      EXPECT_EQ(Health().failing, 1u);
      EXPECT_EQ(Health().next_attempt_ms, m->next_attempt_ms);
      now = m->next_attempt_ms;
    } else {
      EXPECT_TRUE(m->given_up);
    }
  }
  EXPECT_TRUE(Due(AlertQueue::kGivenUp - 1).empty());
  const AlertDeliveryHealth h = Health();
  EXPECT_EQ(h.pending, 0u);
  EXPECT_EQ(h.failing, 0u);
  EXPECT_EQ(h.given_up, 1u);
  EXPECT_EQ(h.last_error, "HTTP 503 #10");
  EXPECT_EQ(h.last_error_channel, "webhook");
  EXPECT_EQ(h.last_error_alert, a.id);
  EXPECT_FALSE(h.next_attempt_ms.has_value());
  Result<std::optional<int64_t>> next = queue_->NextAttemptMs(kRetrying);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
}

TEST_F(AlertQueueTest, APermanentFailureGivesUpAtOnce) {
  const Alert a = test::ThresholdAlert("daily", 80, kT0);
  test::InsertAlert(path_, a, {"webhook", "command"});
  Result<FailureMark> m = queue_->MarkFailed(a.id, "webhook", "HTTP 404", kT0, true);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->given_up);
  EXPECT_EQ(m->attempts, 1);
  const std::vector<DueDelivery> due = Due(kT0 + 1);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].channel, "command");
  EXPECT_EQ(Health().given_up, 1u);
  EXPECT_EQ(Health().pending, 1u);
  EXPECT_EQ(Health().failing, 0u);
}

TEST_F(AlertQueueTest, TheErrorKeptIsBounded) {
  const Alert a = test::ThresholdAlert("daily", 80, kT0);
  test::InsertAlert(path_, a, {"command"});
  // 600 bytes of two-byte characters: cut on a character boundary.
  std::string error;
  for (int i = 0; i < 300; ++i) error.append("\xC3\xA9");
  ASSERT_TRUE(queue_->MarkFailed(a.id, "command", error, kT0, false).ok());
  const std::string kept = Health().last_error;
  EXPECT_EQ(kept.size(), AlertQueue::kMaxErrorBytes);
  EXPECT_EQ(kept, error.substr(0, AlertQueue::kMaxErrorBytes));
}

TEST_F(AlertQueueTest, TheLastErrorIsTheNewestAlertsOfThoseNotDelivered) {
  const Alert old_one = test::ThresholdAlert("daily", 50, kT0);
  const Alert new_one = test::ThresholdAlert("daily", 80, kT0 + 100);
  test::InsertAlert(path_, old_one, {"webhook"});
  test::InsertAlert(path_, new_one, {"webhook"});
  ASSERT_TRUE(queue_->MarkFailed(new_one.id, "webhook", "new", kT0, false).ok());
  ASSERT_TRUE(queue_->MarkFailed(old_one.id, "webhook", "old", kT0 + 1, false).ok());
  EXPECT_EQ(Health().last_error, "new");
  // Delivered at last: its old failure is history, not health.
  ASSERT_TRUE(queue_->MarkDelivered(new_one.id, "webhook", kT0 + 2).ok());
  EXPECT_EQ(Health().last_error, "old");
  ASSERT_TRUE(queue_->MarkDelivered(old_one.id, "webhook", kT0 + 3).ok());
  EXPECT_EQ(Health().last_error, "");
}

TEST_F(AlertQueueTest, EachAlertIsLoggedOnce) {
  const Alert a = test::ThresholdAlert("daily", 50, kT0);
  const Alert b = test::ThresholdAlert("daily", 80, kT0 + 1);
  test::InsertAlert(path_, b, {"webhook"});
  test::InsertAlert(path_, a, {});
  Result<std::vector<Alert>> unlogged = queue_->Unlogged(10);
  ASSERT_TRUE(unlogged.ok());
  ASSERT_EQ(unlogged->size(), 2u);
  EXPECT_EQ((*unlogged)[0].id, a.id);  // Oldest first.
  ASSERT_TRUE(queue_->MarkLogged(a.id, kT0 + 5).ok());
  ASSERT_TRUE(queue_->MarkLogged(a.id, kT0 + 6).ok());  // Changes nothing.
  unlogged = queue_->Unlogged(10);
  ASSERT_TRUE(unlogged.ok());
  ASSERT_EQ(unlogged->size(), 1u);
  EXPECT_EQ((*unlogged)[0].id, b.id);
  // The log's rows are not deliveries to count, nor due.
  EXPECT_EQ(Health().delivered, 0u);
  EXPECT_EQ(Health().pending, 1u);
  EXPECT_EQ(Due(kT0 + 10, {"log", "webhook"}).size(), 1u);
}

TEST(AlertQueue, ReadOnlyHealthOfALedgerOlderThanAlerts) {
  test::TempDir dir;
  const std::string path = dir.Join("old.db");
  {
    Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(ApplyMigrations(**db, 0, 11).ok());
  }
  Result<std::unique_ptr<AlertQueue>> ro = AlertQueue::OpenReadOnly(path);
  ASSERT_TRUE(ro.ok()) << ro.status().message();
  Result<AlertDeliveryHealth> h = (*ro)->Health();
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h->pending + h->given_up + h->delivered, 0u);
  // Delivery itself needs the current schema, and says so.
  Result<std::unique_ptr<AlertQueue>> rw = AlertQueue::Open(path);
  ASSERT_FALSE(rw.ok());
  EXPECT_NE(rw.status().message().find("alert delivery needs the ledger " + path +
                                       " at schema"),
            std::string::npos)
      << rw.status().message();
}

}  // namespace
}  // namespace cc
