// The receiver on loopback, storing into a real ledger: the status codes
// and bodies the OTLP specification asks for, gzip, bodies over the
// limit, and a ledger that cannot take a batch (503, nothing lost: the
// exporter's retry stores it).
#include "otel/otlp_receiver.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>

#include "google/rpc/status.pb.h"
#include "ledger/ledger_writer.h"
#include "ledger/sqlite_db.h"
#include "otel/otel_test_util.h"
#include "raw_http.h"
#include "test_util.h"

namespace cc {
namespace {

namespace logs_svc = test::logs_svc;

// `zero_bytes` of zeros, gzip'd a megabyte at a time: the test never holds
// the inflated body (200 MB of zeros are about 200 KB of gzip).
std::string GzipOfZeros(size_t zero_bytes) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
                         Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string zeros(1 << 20, '\0');
  std::string out;
  unsigned char buffer[1 << 16];
  size_t left = zero_bytes;
  int flush = Z_NO_FLUSH;
  do {
    const size_t n = std::min(left, zeros.size());
    left -= n;
    flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(n);
    do {
      z.next_out = buffer;
      z.avail_out = sizeof buffer;
      deflate(&z, flush);
      out.append(reinterpret_cast<char*>(buffer), sizeof buffer - z.avail_out);
    } while (z.avail_out == 0);
  } while (flush != Z_FINISH);
  deflateEnd(&z);
  return out;
}

// An answer; none fails the test (and gives a status of -1).
httplib::Response Answer(const httplib::Result& r) {
  EXPECT_TRUE(r) << httplib::to_string(r.error());
  return r ? *r : httplib::Response{};
}

// An error answer's body: a google.rpc.Status in the given encoding.
google::rpc::Status StatusOf(const httplib::Response& r, bool json = false) {
  google::rpc::Status s;
  if (json) {
    EXPECT_EQ(r.get_header_value("Content-Type"), "application/json");
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &s).ok())
        << r.body;
  } else {
    EXPECT_EQ(r.get_header_value("Content-Type"), "application/x-protobuf");
    EXPECT_TRUE(s.ParseFromString(r.body)) << r.body;
  }
  EXPECT_NE(s.code(), 0);
  EXPECT_FALSE(s.message().empty());
  return s;
}

constexpr const char* kProtobuf = "application/x-protobuf";
constexpr const char* kJson = "application/json";
const httplib::Headers kGzip = {{"Content-Encoding", "gzip"}};

class OtlpReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = LedgerWriter::Open(dir_.Join("l.db"), "test");
    ASSERT_TRUE(l.ok());
    ledger_ = std::move(*l);
    OtlpReceiverOptions o;
    o.port = 0;
    o.max_body_bytes = 1 << 20;
    auto r = OtlpReceiver::Start(o, [this](const TelemetryBatch& b) -> Result<TelemetryStats> {
      if (fail_next_.exchange(false)) return Status::IoError("database is locked");
      return ledger_->telemetry().CommitTelemetry(b, "host", 1);
    });
    ASSERT_TRUE(r.ok()) << r.status().message();
    receiver_ = std::move(*r);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", receiver_->port());
  }

  // The answer to a POST of `body` to `path`.
  httplib::Response Post(const std::string& body, const char* type = kProtobuf,
                         const httplib::Headers& headers = {},
                         const std::string& path = "/v1/logs") {
    return Answer(client_->Post(path, headers, body, type));
  }

  int64_t Stored() {
    auto db = sql::Database::Open(dir_.Join("l.db"), true);
    return *(*db)->QueryInt("SELECT COUNT(*) FROM otel_requests");
  }

  test::TempDir dir_;
  std::unique_ptr<LedgerWriter> ledger_;
  std::unique_ptr<OtlpReceiver> receiver_;
  std::unique_ptr<httplib::Client> client_;
  std::atomic<bool> fail_next_{false};
};

TEST_F(OtlpReceiverTest, StoresAndAnswersInTheRequestsEncoding) {
  httplib::Response r = Post(test::ApiRequestBody("req_1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.get_header_value("Content-Type"), kProtobuf);
  logs_svc::ExportLogsServiceResponse answer;
  EXPECT_TRUE(answer.ParseFromString(r.body));
  EXPECT_FALSE(answer.has_partial_success());
  EXPECT_EQ(Stored(), 1);
  httplib::Response j = Post(R"({"resourceLogs":[]})", kJson);
  EXPECT_EQ(j.status, 200);
  EXPECT_EQ(j.body, "{}");
}

TEST_F(OtlpReceiverTest, APartialSuccessNamesWhatWasRejected) {
  httplib::Response r = Post(test::ApiRequestBody("req_2", "-3"));
  EXPECT_EQ(r.status, 200);
  logs_svc::ExportLogsServiceResponse answer;
  ASSERT_TRUE(answer.ParseFromString(r.body));
  EXPECT_EQ(answer.partial_success().rejected_log_records(), 1);
  EXPECT_NE(answer.partial_success().error_message().find("output_tokens"),
            std::string::npos);
  EXPECT_EQ(Stored(), 0);
}

TEST_F(OtlpReceiverTest, EveryErrorAnswerIsAStatusInTheRequestsEncoding) {
  httplib::Response bad = Post("{not json", kJson);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(StatusOf(bad, true).code(), 3);  // INVALID_ARGUMENT.
  httplib::Response garbage = Post(std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(StatusOf(garbage).code(), 3);
  httplib::Response type = Post("x", "text/plain");
  EXPECT_EQ(type.status, 415);
  EXPECT_NE(StatusOf(type).message().find("text/plain"), std::string::npos);
  httplib::Response big = Post(std::string(2 << 20, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(StatusOf(big).message().find("limit"), std::string::npos);
  httplib::Response big_json = Post(std::string(2 << 20, ' '), kJson);
  EXPECT_EQ(big_json.status, 413);
  StatusOf(big_json, true);
  httplib::Response path = Post(test::ApiRequestBody("t"), kProtobuf, {}, "/v1/traces");
  EXPECT_EQ(path.status, 404);
  EXPECT_EQ(StatusOf(path).code(), 5);  // NOT_FOUND.
  httplib::Response path_json = Post("{}", kJson, {}, "/v1/traces");
  EXPECT_EQ(path_json.status, 404);
  StatusOf(path_json, true);
  httplib::Response method = Answer(client_->Get("/v1/logs"));
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.get_header_value("Allow"), "POST");
  StatusOf(method);
  httplib::Response put = Answer(client_->Put("/v1/metrics", "{}", kJson));
  EXPECT_EQ(put.status, 405);
  StatusOf(put, true);
  httplib::Response brotli = Post("x", kProtobuf, {{"Content-Encoding", "br"}});
  EXPECT_EQ(brotli.status, 415);
  EXPECT_NE(StatusOf(brotli).message().find("br"), std::string::npos);
  EXPECT_EQ(Stored(), 0);
}

TEST_F(OtlpReceiverTest, ACorruptGzipBodyGets400SayingItIsCorrupt) {
  httplib::Response corrupt =
      Post(std::string("\x1f\x8b\x08\x00garbage!"), kProtobuf, kGzip);
  EXPECT_EQ(corrupt.status, 400);
  EXPECT_NE(StatusOf(corrupt).message().find("gzip body is corrupt"),
            std::string::npos);
  std::string truncated = test::GzipOf(test::ApiRequestBody("req_cut"));
  truncated.resize(truncated.size() - 6);
  httplib::Response cut = Post(truncated, kJson, kGzip);
  EXPECT_EQ(cut.status, 400);
  EXPECT_NE(StatusOf(cut, true).message().find("ends before"),
            std::string::npos);
  EXPECT_EQ(Stored(), 0);
}

TEST_F(OtlpReceiverTest,
       AChunkedBodyOverTheLimitGets413AndTheNextRequestIsStored) {
  const std::string piece(64 << 10, '\x0a');
  size_t sent = 0;
  httplib::Response big = Answer(client_->Post(
      "/v1/logs",
      [&](size_t, httplib::DataSink& sink) {
        if (sent < (3u << 20)) {  // Three times the limit, with no length.
          sink.write(piece.data(), piece.size());
          sent += piece.size();
        } else {
          sink.done();
        }
        return true;
      },
      kProtobuf));
  EXPECT_EQ(big.status, 413);
  StatusOf(big);
  EXPECT_EQ(Post(test::ApiRequestBody("after_chunked")).status, 200);
  EXPECT_EQ(Stored(), 1);
}

TEST_F(OtlpReceiverTest, AGzipBombGets413WithoutBeingInflated) {
  const std::string bomb = GzipOfZeros(200u << 20);  // 200 MB inflated.
  ASSERT_LT(bomb.size(), 1u << 20);                  // Under the limit as sent.
  httplib::Response r = Post(bomb, kProtobuf, kGzip);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(StatusOf(r).message().find("after inflating"), std::string::npos);
  httplib::Response ok =
      Post(test::GzipOf(test::ApiRequestBody("after_bomb")), kProtobuf, kGzip);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Stored(), 1);
}

TEST(OtlpReceiverLimits, AHundredMegabyteBodyGets413AndNothingElseSuffers) {
  test::TempDir dir;
  auto ledger = LedgerWriter::Open(dir.Join("l.db"), "test");
  ASSERT_TRUE(ledger.ok());
  OtlpReceiverOptions o;  // The real limit (16 MiB).
  o.port = 0;
  auto r = OtlpReceiver::Start(o, [&](const TelemetryBatch& b) {
    return (*ledger)->telemetry().CommitTelemetry(b, "host", 1);
  });
  ASSERT_TRUE(r.ok());
  httplib::Client c("127.0.0.1", (*r)->port());
  const std::string big(100u << 20, '\x0a');
  EXPECT_EQ(Answer(c.Post("/v1/logs", big, kProtobuf)).status, 413);
  EXPECT_EQ(Answer(c.Post("/v1/logs", test::ApiRequestBody("after"), kProtobuf)).status,
            200);
}

TEST_F(OtlpReceiverTest, GzipBodiesAreInflated) {
  client_->set_compress(true);
  httplib::Response r = Post(test::ApiRequestBody("req_gz"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Stored(), 1);
}

TEST_F(OtlpReceiverTest, ALedgerThatCannotStoreSays503AndTheRetryStores) {
  fail_next_ = true;
  httplib::Response r = Post(test::ApiRequestBody("req_3"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.get_header_value("Retry-After"), "1");
  EXPECT_EQ(Stored(), 0);
  EXPECT_EQ(Post(test::ApiRequestBody("req_3")).status, 200);
  EXPECT_EQ(Stored(), 1);
}

// DNS rebinding and web pages: the dashboard's test runs the same table.
// A refused request stores nothing, and the refusal is a google.rpc.Status.
TEST_F(OtlpReceiverTest, OnlyLoopbackHostsWithoutABrowserOriginAreServed) {
  int expected = 0;
  for (size_t i = 0; i < test::kHostCaseCount; ++i) {
    const test::HostCase& c = test::kHostCases[i];
    const std::string body = test::ApiRequestBody(std::string("host_") + std::to_string(i));
    const std::string a = test::RawHttp(
        receiver_->port(), std::string("POST /v1/logs HTTP/1.1\r\nHost: ") + c.host +
                               "\r\nContent-Type: application/x-protobuf\r\n"
                               "Connection: close\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(test::StatusOf(a), c.answered ? 200 : 403) << c.host << "\n" << a;
    if (c.answered) ++expected;
    if (!c.answered) {
      google::rpc::Status st;
      EXPECT_TRUE(st.ParseFromString(test::BodyOf(a))) << c.host;
      EXPECT_EQ(st.code(), 7) << c.host;  // PERMISSION_DENIED.
    }
  }
  for (const char* origin : {"http://evil.example", "null", "http://127.0.0.1:4318"}) {
    const std::string body = test::ApiRequestBody(std::string("origin_") + origin);
    const std::string a = test::RawHttp(
        receiver_->port(),
        std::string("POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1:4318\r\nOrigin: ") + origin +
            "\r\nContent-Type: application/json\r\nConnection: close\r\n"
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(test::StatusOf(a), 403) << origin;
    EXPECT_EQ(test::HeaderOf(a, "Content-Type"), "application/json") << origin;
  }
  EXPECT_EQ(Stored(), expected);
}

TEST_F(OtlpReceiverTest, ATakenPortIsAnErrorNamingIt) {
  OtlpReceiverOptions o;
  o.port = receiver_->port();
  auto second = OtlpReceiver::Start(o, [](const TelemetryBatch&) -> Result<TelemetryStats> {
    return TelemetryStats{};
  });
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("port " + std::to_string(receiver_->port()) +
                                           " is in use"),
            std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find("--otel-port"), std::string::npos);
}

}  // namespace
}  // namespace cc
