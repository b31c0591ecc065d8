// The dashboard's server on loopback: what it refuses (no token, a foreign
// Host, writes, paths outside its files), what it serves and with which
// content types, and that its event stream announces a commit by another
// connection within a second.
#include "dashboard/dashboard_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "alert/alert_queue.h"
#include "alert_rows.h"
#include "ledger/ledger_writer.h"
#include "raw_http.h"
#include "test_util.h"

namespace cc {
namespace {

using test::Get;
using test::HeaderOf;
using test::RawHttp;
using test::ReadUntil;
using test::SendRaw;
using test::StatusOf;

// A connection to /api/events (-1 if it cannot connect); reads time out
// after 3 s.
int OpenStream(int port) {
  return SendRaw(port, "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 3);
}

class DashboardServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.Join("ledger.db");
    auto w = LedgerWriter::Open(path_, "test");
    ASSERT_TRUE(w.ok()) << w.status().message();
    writer_ = std::move(*w);
    Commit("k1", 100);
  }

  void Commit(const std::string& key, uint64_t output) {
    Batch b;
    Event e;
    e.key = key;
    e.tokens.output = output;
    e.attributes.session_id = "s";
    e.attributes.model = "claude-sonnet-4-20250514";
    e.first = Provenance{1'756'857'600'000, "/f.jsonl", 0};
    b.events.push_back(e);
    ASSERT_TRUE(writer_->Commit(b, "host", 1).ok());
  }

  Result<std::unique_ptr<DashboardServer>> TryStart(const std::string& host,
                                                    const std::string& token = "") {
    DashboardOptions o;
    o.host = host;
    o.port = 0;
    o.auth_token = token;
    o.ledger_path = path_;
    return DashboardServer::Start(o);
  }

  std::unique_ptr<DashboardServer> Start(const std::string& host = "127.0.0.1",
                                         const std::string& token = "") {
    auto s = TryStart(host, token);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }

  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<LedgerWriter> writer_;
};

TEST_F(DashboardServerTest, ANonLoopbackAddressNeedsAToken) {
  auto s = TryStart("0.0.0.0");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("--auth-token"), std::string::npos)
      << s.status().message();
  auto with_token = Start("0.0.0.0", "0123456789abcdef0123");
  ASSERT_NE(with_token, nullptr);
  EXPECT_EQ(StatusOf(Get(with_token->port(), "/api/health")), 401);
}

TEST_F(DashboardServerTest, WithATokenEveryRequestMustCarryIt) {
  auto s = Start("127.0.0.1", "0123456789abcdef0123");
  ASSERT_NE(s, nullptr);
  for (const char* target : {"/", "/api/overview", "/metrics", "/api/events",
                             "/app.js"}) {
    const std::string a = Get(s->port(), target);
    EXPECT_EQ(StatusOf(a), 401) << target;
    EXPECT_EQ(HeaderOf(a, "WWW-Authenticate"), "Bearer");
  }
  EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview?token=wrong-wrong-wrong")), 401);
  EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview?token=0123456789abcdef0123")), 200);
  EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview",
                         "Authorization: Bearer 0123456789abcdef0123\r\n")),
            200);
  // The scheme's name in any case; the token exactly.
  EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview",
                         "Authorization: bearer 0123456789abcdef0123\r\n")),
            200);
  EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview",
                         "Authorization: Bearer 0123456789ABCDEF0123\r\n")),
            401);
  // A health probe needs no token.
  EXPECT_EQ(StatusOf(Get(s->port(), "/healthz")), 200);
  // With a token, any Host will do (it is how a remote browser comes in).
  EXPECT_EQ(StatusOf(Get(s->port(), "/healthz?token=0123456789abcdef0123", "",
                         "dash.example.com")),
            200);
}

TEST_F(DashboardServerTest, APageOpenedWithTheTokenLoadsItsFilesByCookie) {
  const std::string token = "0123456789abcdef0123";
  auto s = Start("127.0.0.1", token);
  ASSERT_NE(s, nullptr);
  const std::string page = Get(s->port(), "/?token=" + token);
  ASSERT_EQ(StatusOf(page), 200);
  const std::string set_cookie = HeaderOf(page, "Set-Cookie");
  EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; SameSite=Strict"), std::string::npos)
      << set_cookie;
  EXPECT_NE(set_cookie.find("; Path=/"), std::string::npos) << set_cookie;
  // What a browser sends back: name=value, without the attributes.
  const std::string cookie =
      "Cookie: " + set_cookie.substr(0, set_cookie.find(';')) + "\r\n";
  for (const char* target : {"/app.js", "/app.css", "/vendor/uPlot.iife.min.js",
                             "/vendor/uPlot.min.css", "/favicon.svg",
                             "/api/overview", "/api/health"}) {
    EXPECT_EQ(StatusOf(Get(s->port(), target, cookie)), 200) << target;
    EXPECT_EQ(StatusOf(Get(s->port(), target,
                           "Cookie: theme=dark; " + cookie.substr(8))),
              200)
        << target << " among other cookies";
  }
  // The cookie is only set by a valid token, and only a valid one admits.
  EXPECT_EQ(HeaderOf(Get(s->port(), "/api/overview", cookie), "Set-Cookie"),
            "");
  EXPECT_EQ(
      HeaderOf(Get(s->port(), "/?token=wrong-wrong-wrong-wrong"), "Set-Cookie"),
      "");
  const std::string name = set_cookie.substr(0, set_cookie.find('=') + 1);
  for (const std::string& wrong :
       {name, name + "00", name + "wrong-wrong-wrong-wrong", name + token,
        "other_cookie=" + set_cookie.substr(name.size(), set_cookie.find(';') -
                                                             name.size())}) {
    EXPECT_EQ(StatusOf(Get(s->port(), "/app.js", "Cookie: " + wrong + "\r\n")),
              401)
        << wrong;
  }
  EXPECT_EQ(StatusOf(Get(s->port(), "/app.js")), 401);
}

// DNS rebinding: names an attacker's DNS server points at 127.0.0.1. The
// receiver's test runs the same table.
TEST_F(DashboardServerTest, WithoutATokenOnlyLoopbackHostsAreAnswered) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  for (size_t i = 0; i < test::kHostCaseCount; ++i) {
    const test::HostCase& c = test::kHostCases[i];
    EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview", "", c.host)), c.answered ? 200 : 403)
        << c.host;
  }
  EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview", "", "127.evil.example")), 403);
}

// A page elsewhere (a browser adds its Origin) is refused; the dashboard's
// own page, same origin, is not.
TEST_F(DashboardServerTest, ABrowserOriginOtherThanItsOwnIsRefused) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  const std::string host = "127.0.0.1:" + std::to_string(s->port());
  EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview", "Origin: http://evil.example\r\n", host)),
            403);
  EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview", "Origin: null\r\n", host)), 403);
  EXPECT_EQ(StatusOf(Get(s->port(), "/api/overview", "Origin: http://" + host + "\r\n", host)),
            200);
}

TEST_F(DashboardServerTest, AHostThatOnlyLooksLikeLoopbackNeedsAToken) {
  auto s = TryStart("127.evil.example");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("--auth-token"), std::string::npos)
      << s.status().message();
}

TEST_F(DashboardServerTest, ReadOnlyAndNoPathTraversal) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  for (const char* target :
       {"/../etc/passwd", "/vendor/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2fledger.db", "/ledger.db", "/index.html/..", "//etc/passwd",
        "/vendor/", "/app.js.map"}) {
    EXPECT_EQ(StatusOf(Get(s->port(), target)), 404) << target;
  }
  const std::string post = RawHttp(
      s->port(),
      "POST /api/overview HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
      "Content-Length: 2\r\n\r\n{}");
  EXPECT_EQ(StatusOf(post), 405);
  EXPECT_EQ(HeaderOf(post, "Allow"), "GET, HEAD");
  const std::string del = RawHttp(
      s->port(), "DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(del), 405);
}

TEST_F(DashboardServerTest, ServesItsFilesWithTheRightTypes) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  struct Case {
    const char* target;
    const char* type;
  } cases[] = {
      {"/", "text/html; charset=utf-8"},
      {"/app.js", "text/javascript; charset=utf-8"},
      {"/app.css", "text/css; charset=utf-8"},
      {"/vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
      {"/favicon.svg", "image/svg+xml"},
      {"/api/overview", "application/json; charset=utf-8"},
      {"/metrics", "text/plain; version=0.0.4; charset=utf-8"},
  };
  for (const Case& c : cases) {
    const std::string a = Get(s->port(), c.target);
    EXPECT_EQ(StatusOf(a), 200) << c.target;
    EXPECT_EQ(HeaderOf(a, "Content-Type"), c.type) << c.target;
    EXPECT_EQ(HeaderOf(a, "X-Content-Type-Options"), "nosniff");
    EXPECT_NE(HeaderOf(a, "Content-Security-Policy").find("default-src 'none'"),
              std::string::npos);
  }
  // The page asks for nothing but this server's own files.
  const std::string page = Get(s->port(), "/");
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
}

TEST_F(DashboardServerTest, TheEventStreamAnnouncesACommitWithinASecond) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  const int fd = OpenStream(s->port());
  ASSERT_GE(fd, 0);
  std::string got;
  ASSERT_TRUE(ReadUntil(fd, "\"version\":1}", &got)) << got;
  EXPECT_NE(got.find("text/event-stream"), std::string::npos);
  const auto t0 = std::chrono::steady_clock::now();
  Commit("k2", 200);
  ASSERT_TRUE(ReadUntil(fd, "\"version\":2}", &got)) << got;
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(waited, std::chrono::seconds(1));
  close(fd);
}

// Stop wakes every stream at once, however their waits interleave with it.
TEST_F(DashboardServerTest, StopReturnsPromptlyWithStreamsOpen) {
  for (int round = 0; round < 20; ++round) {
    auto s = Start();
    ASSERT_NE(s, nullptr);
    std::vector<int> fds;
    for (int i = 0; i < 4; ++i) {
      const int fd = OpenStream(s->port());
      ASSERT_GE(fd, 0);
      ASSERT_TRUE(ReadUntil(fd, "\"version\":1}"));  // Now waiting.
      fds.push_back(fd);
    }
    const auto t0 = std::chrono::steady_clock::now();
    s->Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2))
        << "round " << round;
    for (int fd : fds) close(fd);
  }
}

// The value of "key" in a JSON answer, as written (a crude look-up, enough
// for one field).
std::string JsonValueOf(const std::string& answer, const std::string& key) {
  const size_t at = answer.find("\"" + key + "\":");
  if (at == std::string::npos) return "";
  const size_t start = at + key.size() + 3;
  return answer.substr(start, answer.find_first_of(",}", start) - start);
}

// A running monitor's idle heartbeat (a commit every few seconds) tells
// the page nothing, yet the health answer carries the fresh heartbeat; a
// real change is announced as before.
TEST_F(DashboardServerTest, AnIdleHeartbeatIsNotAnnouncedButIsServed) {
  Result<int64_t> run = writer_->BeginRun("monitor", "host", 1'756'857'600'000);
  ASSERT_TRUE(run.ok());
  auto s = Start();
  ASSERT_NE(s, nullptr);
  const int fd = OpenStream(s->port());
  ASSERT_GE(fd, 0);
  std::string got;
  ASSERT_TRUE(ReadUntil(fd, "\"version\":1}", &got)) << got;
  const std::string before =
      JsonValueOf(Get(s->port(), "/api/health"), "heartbeatAt");
  ASSERT_FALSE(before.empty());

  ASSERT_TRUE(writer_->Heartbeat(*run, RunCounters{}, 1'756'857'605'000).ok());
  // Served: the snapshot's heartbeat is refreshed within the feed's wake-up.
  std::string after;
  for (int i = 0; i < 50 && (after.empty() || after == before); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    after = JsonValueOf(Get(s->port(), "/api/health"), "heartbeatAt");
  }
  EXPECT_NE(after, before) << "the heartbeat never reached /api/health";
  // Not announced: nothing on the stream for half a second...
  timeval short_wait{0, 500'000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &short_wait, sizeof short_wait);
  std::string more;
  EXPECT_FALSE(ReadUntil(fd, "event: change", &more)) << more;
  EXPECT_EQ(JsonValueOf(Get(s->port(), "/api/health"), "version"), "1");
  // ...and the next event is the real commit's, as version 2.
  timeval long_wait{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &long_wait, sizeof long_wait);
  Commit("k2", 200);
  ASSERT_TRUE(ReadUntil(fd, "\"version\":2}", &got)) << got;
  close(fd);
}

// A Range header cuts the embedded files (206), never an API answer.
TEST_F(DashboardServerTest, ARangeAppliesToFilesNotToAnswers) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  const std::string whole = Get(s->port(), "/api/overview");
  const std::string ranged =
      Get(s->port(), "/api/overview", "Range: bytes=0-10\r\n");
  EXPECT_EQ(StatusOf(ranged), 200);
  EXPECT_EQ(HeaderOf(ranged, "Content-Range"), "");
  EXPECT_EQ(ranged.substr(ranged.find("\r\n\r\n")).size(),
            whole.substr(whole.find("\r\n\r\n")).size());
  const std::string file = Get(s->port(), "/app.js", "Range: bytes=0-10\r\n");
  EXPECT_EQ(StatusOf(file), 206);
  EXPECT_EQ(file.substr(file.find("\r\n\r\n") + 4).size(), 11u);
}

// 2,700 ranges in 8 KiB once made one request answer 71.6 MB: at most
// one range is honoured; several get the file once.
TEST_F(DashboardServerTest, ManyRangesGetTheWholeFileOnce) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  const std::string whole = test::BodyOf(Get(s->port(), "/app.js"));
  ASSERT_FALSE(whole.empty());
  std::string ranges = "Range: bytes=0-";
  while (ranges.size() < 8000) ranges += ",0-";
  const std::string many = Get(s->port(), "/app.js", ranges + "\r\n");
  EXPECT_EQ(StatusOf(many), 200);
  EXPECT_EQ(test::BodyOf(many).size(), whole.size());
  const std::string last = Get(s->port(), "/app.js", "Range: bytes=-5\r\n");
  EXPECT_EQ(StatusOf(last), 206);
  EXPECT_EQ(test::BodyOf(last), whole.substr(whole.size() - 5));
  const std::string beyond =
      Get(s->port(), "/app.js", "Range: bytes=" + std::to_string(whole.size()) + "-\r\n");
  EXPECT_EQ(StatusOf(beyond), 416);
  EXPECT_EQ(HeaderOf(beyond, "Content-Range"), "bytes */" + std::to_string(whole.size()));
}

TEST_F(DashboardServerTest, HeadAnswersWithTheLengthAndNoBody) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  const std::string whole = test::BodyOf(Get(s->port(), "/app.js"));
  const std::string head = RawHttp(
      s->port(), "HEAD /app.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(head), 200);
  EXPECT_EQ(HeaderOf(head, "Content-Length"), std::to_string(whole.size()));
  EXPECT_EQ(test::BodyOf(head), "");
}

TEST_F(DashboardServerTest, ATakenPortIsAnError) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  DashboardOptions o;
  o.port = s->port();
  o.ledger_path = path_;
  auto second = DashboardServer::Start(o);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("is in use"), std::string::npos)
      << second.status().message();
}

// A delivery failing in the writer's process changes no figure (the page
// is not told), yet /api/health shows it within the feed's wake-up, its
// error as stored (redacted).
TEST_F(DashboardServerTest, HealthFollowsAlertDeliveries) {
  auto s = Start();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(JsonValueOf(Get(s->port(), "/api/health"), "pending"), "0");
  const Alert a = test::ThresholdAlert("daily", 80, 1'756'857'600'000);
  test::InsertAlert(path_, a, {"webhook"});
  Result<std::unique_ptr<AlertQueue>> queue = AlertQueue::Open(path_);
  ASSERT_TRUE(queue.ok()) << queue.status().message();
  ASSERT_TRUE((*queue)
                  ->MarkFailed(a.id, "webhook", "webhook http://h/[redacted] answered HTTP 502",
                               1'756'857'600'000, false)
                  .ok());
  std::string failing;
  for (int i = 0; i < 100 && failing != "1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    failing = JsonValueOf(Get(s->port(), "/api/health"), "failing");
  }
  EXPECT_EQ(failing, "1");
  const std::string health = Get(s->port(), "/api/health");
  EXPECT_NE(health.find("\"error\":\"webhook http://h/[redacted] answered HTTP 502\""),
            std::string::npos)
      << health;
}

}  // namespace
}  // namespace cc
