// The receiver on loopback, storing into a real ledger: the status codes
// and bodies the OTLP specification asks for, gzip, bodies over the
// limit, and a ledger that cannot take a batch (503, nothing lost: the
// exporter's retry stores it).
#include "otel/otlp_receiver.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>

#include "ledger/ledger.h"
#include "ledger/sqlite_db.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "test_util.h"

namespace cc {
namespace {

namespace logs_svc = opentelemetry::proto::collector::logs::v1;

std::string OneRequest(const std::string& id, const std::string& output = "5") {
  logs_svc::ExportLogsServiceRequest r;
  auto* rec = r.add_resource_logs()->add_scope_logs()->add_log_records();
  rec->set_event_name("claude_code.api_request");
  rec->set_time_unix_nano(1'756'893'600'000'000'000);
  for (auto [k, v] : {std::pair<std::string, std::string>{"model", "claude-sonnet-4-20250514"},
                      {"request_id", id}, {"input_tokens", "1"}, {"output_tokens", output}}) {
    auto* kv = rec->add_attributes();
    kv->set_key(k);
    kv->mutable_value()->set_string_value(v);
  }
  std::string body;
  r.SerializeToString(&body);
  return body;
}

class OtlpReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = Ledger::OpenForWrite(dir_.Join("l.db"), "test");
    ASSERT_TRUE(l.ok());
    ledger_ = std::move(*l);
    OtlpReceiverOptions o;
    o.port = 0;
    o.max_body_bytes = 1 << 20;
    auto r = OtlpReceiver::Start(o, [this](const TelemetryBatch& b) -> Result<TelemetryStats> {
      if (fail_next_.exchange(false)) return Status::IoError("database is locked");
      return ledger_->CommitTelemetry(b, "host", 1);
    });
    ASSERT_TRUE(r.ok()) << r.status().message();
    receiver_ = std::move(*r);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", receiver_->port());
  }

  int64_t Stored() {
    auto db = sql::Database::Open(dir_.Join("l.db"), true);
    return *(*db)->QueryInt("SELECT COUNT(*) FROM otel_requests");
  }

  test::TempDir dir_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<OtlpReceiver> receiver_;
  std::unique_ptr<httplib::Client> client_;
  std::atomic<bool> fail_next_{false};
};

TEST_F(OtlpReceiverTest, StoresAndAnswersInTheRequestsEncoding) {
  auto r = client_->Post("/v1/logs", OneRequest("req_1"), "application/x-protobuf");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/x-protobuf");
  logs_svc::ExportLogsServiceResponse answer;
  EXPECT_TRUE(answer.ParseFromString(r->body));
  EXPECT_FALSE(answer.has_partial_success());
  EXPECT_EQ(Stored(), 1);
  auto j = client_->Post("/v1/logs", R"({"resourceLogs":[]})", "application/json");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->status, 200);
  EXPECT_EQ(j->body, "{}");
}

TEST_F(OtlpReceiverTest, APartialSuccessNamesWhatWasRejected) {
  auto r = client_->Post("/v1/logs", OneRequest("req_2", "-3"), "application/x-protobuf");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  logs_svc::ExportLogsServiceResponse answer;
  ASSERT_TRUE(answer.ParseFromString(r->body));
  EXPECT_EQ(answer.partial_success().rejected_log_records(), 1);
  EXPECT_NE(answer.partial_success().error_message().find("output_tokens"), std::string::npos);
  EXPECT_EQ(Stored(), 0);
}

TEST_F(OtlpReceiverTest, BadRequestsGetTheirStatus) {
  auto bad = client_->Post("/v1/logs", "{not json", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("\"code\":3"), std::string::npos) << bad->body;  // google.rpc.Status.
  auto garbage = client_->Post("/v1/logs", std::string("\xff\xff\xff\xff", 4), "application/x-protobuf");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  auto type = client_->Post("/v1/logs", "x", "text/plain");
  ASSERT_TRUE(type);
  EXPECT_EQ(type->status, 415);
  auto big = client_->Post("/v1/logs", std::string(2 << 20, 'x'), "application/x-protobuf");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  auto path = client_->Post("/v1/traces", OneRequest("t"), "application/x-protobuf");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->status, 404);
  auto method = client_->Get("/v1/logs");
  ASSERT_TRUE(method);
  EXPECT_EQ(method->status, 405);
  EXPECT_EQ(Stored(), 0);
}

TEST(OtlpReceiverLimits, AHundredMegabyteBodyGets413AndNothingElseSuffers) {
  test::TempDir dir;
  auto ledger = Ledger::OpenForWrite(dir.Join("l.db"), "test");
  ASSERT_TRUE(ledger.ok());
  OtlpReceiverOptions o;  // The real limit (16 MiB).
  o.port = 0;
  auto r = OtlpReceiver::Start(o, [&](const TelemetryBatch& b) {
    return (*ledger)->CommitTelemetry(b, "host", 1);
  });
  ASSERT_TRUE(r.ok());
  httplib::Client c("127.0.0.1", (*r)->port());
  auto big = c.Post("/v1/logs", std::string(100u << 20, '\x0a'), "application/x-protobuf");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  auto ok = c.Post("/v1/logs", OneRequest("after"), "application/x-protobuf");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(OtlpReceiverTest, GzipBodiesAreInflated) {
  httplib::Headers h = {{"Content-Encoding", "gzip"}};
  client_->set_compress(true);
  auto r = client_->Post("/v1/logs", OneRequest("req_gz"), "application/x-protobuf");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Stored(), 1);
}

TEST_F(OtlpReceiverTest, ALedgerThatCannotStoreSays503AndTheRetryStores) {
  fail_next_ = true;
  auto r = client_->Post("/v1/logs", OneRequest("req_3"), "application/x-protobuf");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  EXPECT_EQ(Stored(), 0);
  r = client_->Post("/v1/logs", OneRequest("req_3"), "application/x-protobuf");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Stored(), 1);
}

}  // namespace
}  // namespace cc
