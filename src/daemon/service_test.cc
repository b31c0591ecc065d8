#include "daemon/service.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "alert_rows.h"
#include "ledger/sqlite_db.h"
#include "otel/otel_test_util.h"
#include "test_util.h"
#include "webhook_receiver.h"

namespace cc {
namespace {

namespace fs = std::filesystem;

// Records what the service reports; read from the test's thread.
class RecordingObserver final : public ServiceObserver {
 public:
  void OnPass(const char*, const SyncReport& r) override {
    events += r.counters.events_new;
  }
  void OnNotice(const std::string& message) override {
    std::lock_guard<std::mutex> lock(mu);
    notices.push_back(message);
  }
  void OnMonitoring(MonitorMode) override { monitoring = true; }
  void OnDashboard(const std::string& url) override { Set(dashboard, url); }
  void OnReceiver(const std::string& url) override { Set(receiver, url); }
  void OnReceiverUnavailable(const Status& why) override {
    Set(unavailable, why.message());
  }
  void OnLedgerReplaced(const Status&) override {}

  std::string Get(const std::string& field) {
    std::lock_guard<std::mutex> lock(mu);
    return field;
  }

  std::atomic<uint64_t> events{0};
  std::atomic<bool> monitoring{false};
  std::mutex mu;
  std::string dashboard, receiver, unavailable;
  std::vector<std::string> notices;

 private:
  void Set(std::string& field, const std::string& value) {
    std::lock_guard<std::mutex> lock(mu);
    field = value;
  }
};

bool WaitFor(const std::function<bool()>& done) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

int PortOf(const std::string& url) {  // "http://127.0.0.1:8110/" -> 8110.
  const size_t colon = url.rfind(':');
  return std::stoi(url.substr(colon + 1));
}

// A socket listening on a loopback port: the port is taken.
class TakenPort {
 public:
  TakenPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(listen(fd_, 1), 0);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~TakenPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transcript_ = dir_.Join("claude/projects/p/s.jsonl");
    fs::create_directories(dir_.Join("claude/projects/p"));
    test::WriteFile(transcript_, test::AssistantLine({}) + "\n");
    options_.ledger_path = dir_.Join("ledger.db");
    options_.holder = "service test";
    options_.source = "test";
  }

  // The monitor, polling the transcripts every 50 ms.
  void WithMonitor() {
    MonitorOptions m;
    m.roots = {dir_.Join("claude")};
    m.source = "test";
    m.mode = MonitorMode::kPoll;
    m.poll_interval = std::chrono::milliseconds(50);
    options_.monitor = m;
  }
  void WithDashboard(int port = 0) {
    DashboardOptions d;
    d.port = port;
    d.ledger_path = options_.ledger_path;
    options_.dashboard = d;
  }
  void WithReceiver(int port = 0, bool optional = false) {
    OtlpReceiverOptions r;
    r.port = port;
    options_.receiver = r;
    options_.receiver_optional = optional;
  }

  void Start() {
    service_ = std::make_unique<Service>(options_, observer_);
    thread_ = std::thread([this] { status_ = service_->Run(stop_); });
  }
  Status Stop() {
    stop_.Request();
    if (thread_.joinable()) thread_.join();
    return status_;
  }
  int64_t Count(const std::string& sql) {
    auto db = sql::Database::Open(options_.ledger_path, true);
    return *(*db)->QueryInt(sql);
  }

  test::TempDir dir_;
  std::string transcript_;
  ServiceOptions options_;
  RecordingObserver observer_;
  StopSignal stop_;
  std::unique_ptr<Service> service_;
  std::thread thread_;
  Status status_;
};

TEST_F(ServiceTest, MonitorsServesTheDashboardAndStoresTelemetryThenStops) {
  WithMonitor();
  WithDashboard();
  WithReceiver();
  Start();
  ASSERT_TRUE(WaitFor([&] { return observer_.events == 1; }));
  EXPECT_TRUE(observer_.monitoring);
  ASSERT_TRUE(WaitFor([&] {
    return !observer_.Get(observer_.dashboard).empty() &&
           !observer_.Get(observer_.receiver).empty();
  }));
  test::AppendFile(transcript_, test::AssistantLine({.message_id = "msg_2",
                                                     .request_id = "req_2",
                                                     .uuid = "u-2"}) +
                                    "\n");
  ASSERT_TRUE(WaitFor([&] { return observer_.events == 2; }));

  httplib::Client dashboard("127.0.0.1",
                            PortOf(observer_.Get(observer_.dashboard)));
  auto health = dashboard.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  // The receiver's handlers commit at once from 8 connections: every
  // commit is serialised by the service, none fails, all are stored.
  const int port = PortOf(observer_.Get(observer_.receiver));
  std::atomic<int> ok{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t) {
    senders.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", port);
      for (int i = 0; i < 10; ++i) {
        // Appended: g++ 12 -O2 warns falsely (-Wrestrict) on "r" + string.
        auto r = c.Post("/v1/logs",
                        test::ApiRequestBody(std::string("r").append(std::to_string(t * 10 + i))),
                        "application/x-protobuf");
        if (r && r->status == 200) ++ok;
      }
    });
  }
  for (std::thread& s : senders) s.join();
  EXPECT_EQ(ok, 80);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM otel_requests"), 80);

  EXPECT_TRUE(Stop().ok()) << status_.message();
  // The transcript's two, and one for each request telemetry alone saw.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events"), 2 + 80);
  EXPECT_FALSE(dashboard.Get("/api/health"));  // Stopped with the service.
}

TEST_F(ServiceTest, AnOptionalReceiverOnATakenPortIsSaidAndTheRestRuns) {
  TakenPort taken;
  WithMonitor();
  WithReceiver(taken.port(), /*optional=*/true);
  Start();
  ASSERT_TRUE(WaitFor([&] { return observer_.events == 1; }));
  EXPECT_FALSE(observer_.Get(observer_.unavailable).empty());
  EXPECT_TRUE(observer_.Get(observer_.receiver).empty());
  EXPECT_TRUE(Stop().ok());
}

TEST_F(ServiceTest, APartThatCannotStartFailsRunAndIsNamed) {
  TakenPort taken;
  WithMonitor();
  WithDashboard(taken.port());
  service_ = std::make_unique<Service>(options_, observer_);
  EXPECT_FALSE(service_->Run(stop_).ok());
  EXPECT_EQ(service_->failed_part(), ServicePart::kDashboard);

  options_.dashboard.reset();
  WithReceiver(taken.port());
  service_ = std::make_unique<Service>(options_, observer_);
  EXPECT_FALSE(service_->Run(stop_).ok());
  EXPECT_EQ(service_->failed_part(), ServicePart::kReceiver);
}

TEST_F(ServiceTest, WithoutAMonitorTheReceiverCommitsThroughTheWriter) {
  WithReceiver();
  Start();
  ASSERT_TRUE(
      WaitFor([&] { return !observer_.Get(observer_.receiver).empty(); }));
  EXPECT_FALSE(observer_.monitoring);
  httplib::Client c("127.0.0.1", PortOf(observer_.Get(observer_.receiver)));
  auto r = c.Post("/v1/logs", test::ApiRequestBody("alone"), "application/x-protobuf");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(Stop().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM otel_requests"), 1);
}

// An alert a pass fired is delivered at once (the pass wakes the alerts'
// thread; its once-a-minute look would be too late here), logged, and
// said through the observer.
TEST_F(ServiceTest, AlertsFiredByAPassAreDeliveredAfterIt) {
  test::WebhookReceiver hook;
  WithMonitor();
  AlertChannels channels;
  channels.webhook_url = hook.Url("/hook");
  channels.desktop = false;
  options_.alerts = channels;
  options_.alert_log_path = dir_.Join("alerts.log");
  Start();
  ASSERT_TRUE(WaitFor([&] { return observer_.events == 1; }));
  const Alert a = test::ThresholdAlert("daily", 80, SystemClock().NowMs());
  test::InsertAlert(options_.ledger_path, a, {"webhook"});
  test::AppendFile(transcript_, test::AssistantLine({.message_id = "msg_2",
                                                     .request_id = "req_2",
                                                     .uuid = "u-2"}) +
                                    "\n");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return hook.received().size() == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_TRUE(Stop().ok()) << status_.message();
  EXPECT_NE(hook.received()[0].body.find(a.id), std::string::npos);
  EXPECT_NE(test::ReadFile(dir_.Join("alerts.log")).find(a.id), std::string::npos);
  std::lock_guard<std::mutex> lock(observer_.mu);
  ASSERT_FALSE(observer_.notices.empty());
  EXPECT_NE(observer_.notices[0].find(a.id), std::string::npos);
}

}  // namespace
}  // namespace cc
