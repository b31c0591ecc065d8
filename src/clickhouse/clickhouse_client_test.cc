// ClickHouseClient against a loopback server that answers as ClickHouse's
// HTTP interface does in each case (status, X-ClickHouse-Exception-Code,
// exception text at the end of a 200 body). The real engine (chDB) is
// tested in the shipper's end-to-end tests.
#include "clickhouse/clickhouse_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <thread>

namespace cc {
namespace {

struct Scripted {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
};

class FakeClickHouseServer {
 public:
  FakeClickHouseServer() {
    server_.Post("/",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   std::lock_guard<std::mutex> lock(mu_);
                   last_ = req;
                   res.status = next_.status;
                   for (const auto& [k, v] : next_.headers)
                     res.set_header(k, v);
                   res.set_content(next_.body, "text/plain");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeClickHouseServer() {
    server_.stop();
    thread_.join();
  }
  void Answer(Scripted s) {
    std::lock_guard<std::mutex> lock(mu_);
    next_ = std::move(s);
  }
  httplib::Request Last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }
  std::string Url() const {
    return "http://bob:pw%21@127.0.0.1:" + std::to_string(port_) + "/usage";
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  Scripted next_;
  httplib::Request last_;
};

class ClickHouseClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto http = MakeCurlHttpClient({});
    ASSERT_TRUE(http.ok());
    http_ = std::move(*http);
    client_ = std::make_unique<ClickHouseClient>(
        *ParseClickHouseUrl(server_.Url()), *http_);
  }
  FakeClickHouseServer server_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<ClickHouseClient> client_;
};

TEST_F(ClickHouseClientTest, SendsTheStatementTheDataAndTheCredentials) {
  server_.Answer({200, {}, "1\n"});
  client_->set_body_encoding(BodyEncoding::kGzip);  // httplib inflates it.
  ClickHouseReply r =
      client_->Execute("INSERT INTO events FORMAT JSONEachRow", "{\"a\":1}\n",
                       {{"insert_deduplication_token", "ctx-7-9"}});
  ASSERT_TRUE(r.ok) << r.error.message;
  httplib::Request req = server_.Last();
  EXPECT_EQ(req.get_param_value("database"), "usage");
  EXPECT_EQ(req.get_param_value("query"),
            "INSERT INTO events FORMAT JSONEachRow");
  EXPECT_EQ(req.get_param_value("insert_deduplication_token"), "ctx-7-9");
  EXPECT_EQ(req.get_param_value("wait_end_of_query"), "1");
  EXPECT_EQ(req.get_header_value("X-ClickHouse-User"), "bob");
  EXPECT_EQ(req.get_header_value("X-ClickHouse-Key"), "pw!");
  EXPECT_EQ(req.get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(req.body, "{\"a\":1}\n");  // Inflated by the server.
  EXPECT_EQ(req.target.find("pw"), std::string::npos);  // Not in the URL.

  server_.Answer({200, {}, "42\n"});
  r = client_->Execute("SELECT 42");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.body, "42\n");
  EXPECT_EQ(server_.Last().body, "SELECT 42");  // Statement as the body.
  EXPECT_EQ(server_.Last().get_header_value("Content-Encoding"), "");
}

TEST_F(ClickHouseClientTest, SendsDataZstdCompressedByDefault) {
  server_.Answer({200, {}, ""});
  const std::string data(10'000, 'r');
  ClickHouseReply r = client_->Execute("INSERT INTO events FORMAT RowBinary",
                                       data);
  ASSERT_TRUE(r.ok) << r.error.message;
  httplib::Request req = server_.Last();
  EXPECT_EQ(req.get_header_value("Content-Encoding"), "zstd");
  EXPECT_EQ(req.body, *Zstd(data));  // httplib passes zstd through as is.
}

TEST_F(ClickHouseClientTest, EachFailureIsClassifiedAsTheShipperNeedsIt) {
  using Kind = ClickHouseError::Kind;
  struct Case {
    Scripted answer;
    Kind kind;
    int code;
  } cases[] = {
      {{500,
        {{"X-ClickHouse-Exception-Code", "252"}},
        "Code: 252. DB::Exception: Too many parts (300)."},
       Kind::kRetry,
       252},
      {{503, {}, "Service Unavailable"}, Kind::kRetry, 0},
      {{400,
        {{"X-ClickHouse-Exception-Code", "27"}},
        "Code: 27. DB::Exception: Cannot parse input"},
       Kind::kBadData,
       27},
      {{401,
        {{"X-ClickHouse-Exception-Code", "516"}},
        "Code: 516. DB::Exception: bob: Authentication failed"},
       Kind::kFatal,
       516},
      {{404,
        {{"X-ClickHouse-Exception-Code", "81"}},
        "Code: 81. DB::Exception: Database usage does not exist"},
       Kind::kFatal,
       81},
      {{403, {}, "Forbidden"}, Kind::kFatal, 0},
      // The exception arrives after a 200 was sent: still a failure.
      {{200, {}, "{\"a\":1}\nCode: 241. DB::Exception: Memory limit exceeded"},
       Kind::kRetry,
       241},
      {{200, {}, "Code: 117. DB::Exception: Incorrect data"},
       Kind::kBadData,
       117},
  };
  for (const Case& c : cases) {
    server_.Answer(c.answer);
    ClickHouseReply r =
        client_->Execute("INSERT INTO t FORMAT JSONEachRow", "x");
    EXPECT_FALSE(r.ok) << c.answer.body;
    EXPECT_EQ(r.error.kind, c.kind) << c.answer.body;
    EXPECT_EQ(r.error.code, c.code) << c.answer.body;
    EXPECT_EQ(r.error.http_status, c.answer.status);
    EXPECT_EQ(r.error.message.find("pw!"), std::string::npos);
  }
}

TEST(ClickHouseClient, NoServerIsARetryThatNamesTheTargetNotThePassword) {
  auto http = MakeCurlHttpClient({});
  ASSERT_TRUE(http.ok());
  ClickHouseClient client(*ParseClickHouseUrl("http://u:secret@127.0.0.1:1/db"),
                          **http);
  ClickHouseReply r = client.Execute("SELECT 1");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.kind, ClickHouseError::Kind::kRetry);
  EXPECT_EQ(r.error.http_status, 0);
  EXPECT_NE(r.error.message.find("u:***@127.0.0.1:1/db"), std::string::npos)
      << r.error.message;
  EXPECT_EQ(r.error.message.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace cc
