// CurlHttpClient against a real HTTP server on loopback (cpp-httplib).
#include <gtest/gtest.h>
#include <httplib.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <thread>

#include "clickhouse/http_client.h"

namespace cc {
namespace {

// Inflates a gzip stream of at most 16 MiB (enough for these tests).
std::string Gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(16 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : "(inflate failed)";
}

std::string Unzstd(const std::string& data) {
  const unsigned long long size =
      ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return "(not a zstd frame)";
  }
  std::string out(size, '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), data.data(),
                                   data.size());
  return ZSTD_isError(n) ? "(zstd failed)" : out.substr(0, n);
}

// A loopback server that records what it was sent.
class LoopbackServer {
 public:
  LoopbackServer() {
    server_.Post(
        "/echo", [this](const httplib::Request& req, httplib::Response& res) {
          ++requests_;
          ports_.insert(req.remote_port);
          last_encoding_ = req.get_header_value("Content-Encoding");
          last_query_ = req.get_param_value("query");
          last_user_ = req.get_header_value("X-Test-User");
          // httplib inflates gzip bodies itself; report what arrived.
          res.set_header("X-Body-Size", std::to_string(req.body.size()));
          res.set_content(req.body, "text/plain");
        });
    server_.Post("/status",
                 [](const httplib::Request& req, httplib::Response& res) {
                   res.status = std::stoi(req.get_param_value("code"));
                   res.set_content("status body", "text/plain");
                 });
    server_.Post("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("late", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~LoopbackServer() {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::atomic<int> requests_{0};
  std::set<int> ports_;
  std::string last_encoding_, last_query_, last_user_;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(CurlHttpClient, PostsGzipBodiesAndReadsStatusHeadersAndBody) {
  LoopbackServer server;
  auto client = MakeCurlHttpClient({});
  ASSERT_TRUE(client.ok()) << client.status().message();
  std::string body;
  for (int i = 0; i < 2000; ++i)
    body += "{\"row\":" + std::to_string(i) + "}\n";
  HttpRequest req;
  req.url = server.Url("/echo?query=" +
                       UrlEncode("INSERT INTO t FORMAT JSONEachRow"));
  req.headers = {{"X-Test-User", "alice"}};
  req.body = body;
  req.encoding = BodyEncoding::kGzip;
  Result<HttpResponse> r = (*client)->Post(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, body);  // The server inflated what we deflated.
  EXPECT_EQ(server.last_encoding_, "gzip");
  EXPECT_EQ(server.last_query_, "INSERT INTO t FORMAT JSONEachRow");
  EXPECT_EQ(server.last_user_, "alice");
  EXPECT_EQ(r->headers["x-body-size"], std::to_string(body.size()));
  // Two more requests: the same connection is kept alive.
  ASSERT_TRUE((*client)->Post(req).ok());
  ASSERT_TRUE((*client)->Post(req).ok());
  EXPECT_EQ(server.requests_, 3);
  EXPECT_EQ(server.ports_.size(), 1u);
}

TEST(CurlHttpClient, PostsZstdBodiesWithTheirContentEncoding) {
  LoopbackServer server;
  auto client = MakeCurlHttpClient({});
  ASSERT_TRUE(client.ok()) << client.status().message();
  std::string body;
  for (int i = 0; i < 5000; ++i) body += "row " + std::to_string(i) + "\n";
  HttpRequest req;
  req.url = server.Url("/echo");
  req.body = body;
  req.encoding = BodyEncoding::kZstd;
  Result<HttpResponse> r = (*client)->Post(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // httplib leaves zstd alone: the echo is the compressed body.
  EXPECT_EQ(server.last_encoding_, "zstd");
  EXPECT_LT(r->body.size(), body.size() / 4);
  EXPECT_EQ(Unzstd(r->body), body);
}

TEST(CurlHttpClient, AnHttpErrorIsAResponseAndATransportFailureIsAnError) {
  LoopbackServer server;
  auto client = MakeCurlHttpClient({});
  ASSERT_TRUE(client.ok());
  HttpRequest req;
  req.url = server.Url("/status?code=503");
  Result<HttpResponse> r = (*client)->Post(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "status body");

  req.url = server.Url("/slow");
  req.timeout_ms = 300;
  r = (*client)->Post(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("imeout"), std::string::npos)
      << r.status().message();

  req.url = "http://127.0.0.1:1/nothing-listens-here";
  r = (*client)->Post(req);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.status().message().empty());
}

TEST(BodyCompression, GzipAndZstdRoundTripAndUrlEncodeEscapesReservedBytes) {
  std::string text(100000, 'x');
  Result<std::string> packed = Gzip(text);
  ASSERT_TRUE(packed.ok());
  EXPECT_LT(packed->size(), 1000u);
  EXPECT_EQ(Gunzip(*packed), text);
  packed = Zstd(text);
  ASSERT_TRUE(packed.ok());
  EXPECT_LT(packed->size(), 1000u);
  EXPECT_EQ(Unzstd(*packed), text);
  EXPECT_EQ(*CompressBody(text, BodyEncoding::kIdentity), text);
  EXPECT_STREQ(ContentEncodingName(BodyEncoding::kZstd), "zstd");
  EXPECT_EQ(UrlEncode("SELECT 1 FROM t WHERE a='x&y'"),
            "SELECT%201%20FROM%20t%20WHERE%20a%3D%27x%26y%27");
}

}  // namespace
}  // namespace cc
