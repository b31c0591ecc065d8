// The hostile case: a server (or a proxy before ClickHouse) that answers an
// error with the request it received, headers and all. The password must
// not reach any error text the client returns or the shipper stores.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "clickhouse/clickhouse_client.h"
#include "clickhouse/shipper.h"
#include "ledger/ledger_writer.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr const char* kPassword = "Sw0rdf1sh-9000";

// Answers every POST with `status` and a body that echoes the request line
// and headers, as plain text (nginx's debug pages, echo servers) or as JSON.
class EchoingServer {
 public:
  EchoingServer() {
    server_.Post(".*", [this](const httplib::Request& req,
                              httplib::Response& res) {
      res.status = status_.load();
      res.set_content(json_.load() ? AsJson(req) : AsText(req), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~EchoingServer() {
    server_.stop();
    thread_.join();
  }
  void Answer(int status, bool json) {
    status_ = status;
    json_ = json;
  }
  std::string Url() const {
    return std::string("http://writer:") + kPassword +
           "@127.0.0.1:" + std::to_string(port_) + "/usage";
  }

 private:
  // The headers first: the target (a long INSERT) would push them past
  // the part of the body an error message keeps.
  static std::string AsText(const httplib::Request& req) {
    std::string out = "Bad gateway. You sent:\n";
    for (const auto& [name, value] : req.headers) {
      out += name + ": " + value + "\n";
    }
    return out + req.method + " " + req.target + " HTTP/1.1\n";
  }
  static std::string AsJson(const httplib::Request& req) {
    std::string out = "{\"error\":\"denied\",\"headers\":{";
    for (const auto& [name, value] : req.headers) {
      out += "\"" + name + "\":\"" + value + "\",";
    }
    return out + "\"end\":1}}";
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> status_{500};
  std::atomic<bool> json_{false};
};

using test::FakeClock;

void ExpectNoSecret(const std::string& text) {
  EXPECT_EQ(text.find(kPassword), std::string::npos) << text;
  // Not even a prefix of it, as a cut at some length would leave.
  EXPECT_EQ(text.find("Sw0rd"), std::string::npos) << text;
}

class EchoingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto http = MakeCurlHttpClient({});
    ASSERT_TRUE(http.ok());
    http_ = std::move(*http);
    client_ = std::make_unique<ClickHouseClient>(
        *ParseClickHouseUrl(server_.Url()), *http_);
  }
  EchoingServer server_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<ClickHouseClient> client_;
};

TEST_F(EchoingServerTest, ClientErrorsNeverHoldThePassword) {
  for (int status : {500, 502, 400, 401}) {
    for (bool json : {false, true}) {
      server_.Answer(status, json);
      ClickHouseReply r = client_->Execute("SELECT 1");
      ASSERT_FALSE(r.ok);
      EXPECT_EQ(r.error.http_status, status);
      // The echo did arrive (so the test tests something), scrubbed.
      EXPECT_NE(r.error.message.find("[redacted]"), std::string::npos)
          << r.error.message;
      ExpectNoSecret(r.error.message);
      ExpectNoSecret(r.body);
    }
  }
}

TEST_F(EchoingServerTest, TheShippersRecordedErrorsNeverHoldThePassword) {
  test::TempDir dir;
  auto ledger = LedgerWriter::Open(dir.Join("ledger.db"), "test");
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  FakeClock clock;
  Shipper shipper((*ledger)->ship_queue(), *client_, clock, ShipperOptions{}, 7);

  server_.Answer(500, false);
  Status schema = shipper.EnsureSchema(ClickHouseSchemaOptions{});
  ASSERT_FALSE(schema.ok());
  ExpectNoSecret(schema.message());
  Result<ShipState> state = (*ledger)->reader().ShippingState();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->status, "retrying");
  ExpectNoSecret(state->last_error);

  Event e;
  e.key = "k1";
  e.tokens.input = 10;
  e.attributes.session_id = "s";
  e.attributes.model = "claude-sonnet-4-20250514";
  e.first = Provenance{clock.now_ms, "/f.jsonl", 0};
  Batch b;
  b.events = {e};
  ASSERT_TRUE((*ledger)->Commit(b, "host-a", clock.now_ms).ok());

  Result<ShipSummary> summary = shipper.Drain();  // 500: retry later.
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_TRUE(summary->retry_pending);
  EXPECT_NE(summary->last_error.find("[redacted]"), std::string::npos)
      << summary->last_error;
  ExpectNoSecret(summary->last_error);
  Result<std::optional<ShipBatch>> batch = (*ledger)->ship_queue().OldestShipBatch();
  ASSERT_TRUE(batch.ok() && batch->has_value());
  ExpectNoSecret((*batch)->last_error);
  ExpectNoSecret((*ledger)->reader().ShippingState()->last_error);

  server_.Answer(401, true);  // Stopped: the error a person will read.
  clock.now_ms += 3'600'000;
  summary = shipper.Drain();
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_TRUE(summary->stopped);
  ExpectNoSecret(summary->last_error);
  state = (*ledger)->reader().ShippingState();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->status, "stopped");
  EXPECT_FALSE(state->last_error.empty());
  ExpectNoSecret(state->last_error);
}

}  // namespace
}  // namespace cc
