#include "dashboard/dashboard_server.h"

#include <httplib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <string_view>
#include <thread>

#include "core/clock.h"
#include "core/listen.h"
#include "dashboard/dashboard_api.h"
#include "dashboard/dashboard_source.h"
#include "dashboard/embedded_files.h"
#include "dashboard/snapshot.h"

namespace cc {
namespace {

// Headers on every answer: the page may load only from this server.
const httplib::Headers& SecurityHeaders() {
  static const httplib::Headers h = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cache-Control", "no-store"},
  };
  return h;
}

// The auth scheme's name is case-insensitive (RFC 9110 §11.1).
bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

// The token as a cookie value: hex, so any token fits a cookie's syntax.
std::string HexOf(std::string_view s) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// The value of cookie `name` in the request's Cookie headers ("" if none).
std::string CookieValue(const httplib::Request& req, std::string_view name) {
  auto [begin, end] = req.headers.equal_range("Cookie");
  for (auto it = begin; it != end; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? "" : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return "";
}

// What DashboardApi answers (the rest are the embedded files).
bool IsApiPath(const std::string& path) {
  return path.rfind("/api/", 0) == 0 || path == "/metrics" || path == "/healthz";
}

// A Range header applies to the embedded files only: httplib would cut an
// API answer (or the event stream) to the range and still say 200. The
// request object is httplib's own, non-const one, handed to us as const.
void IgnoreRangesOfGeneratedAnswers(const httplib::Request& req) {
  if (IsApiPath(req.path)) const_cast<httplib::Request&>(req).ranges.clear();
}

void PlainError(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_content(text + "\n", "text/plain; charset=utf-8");
}

constexpr size_t kMaxEventStreams = 16;
// A comment line this often on an idle stream: a page that went away is
// noticed (its write fails) and frees its slot within two of them.
constexpr auto kKeepAlive = std::chrono::seconds(5);

}  // namespace

class DashboardServer::Impl {
 public:
  Impl(DashboardOptions o, std::unique_ptr<DashboardSource> source)
      : options_(std::move(o)), source_(std::move(source)) {}

  ~Impl() { Stop(); }

  Status Start() {
    if (!IsLoopbackHost(options_.host) && options_.auth_token.empty()) {
      return Status::InvalidArgument(
          "--host " + options_.host +
          ": listening beyond this machine needs --auth-token TOKEN (or "
          "$CONTEXT_CLEANER_DASHBOARD_TOKEN); every request must then carry it");
    }
    if (!source_) {
      Result<std::unique_ptr<DashboardSource>> ledger =
          OpenLedgerSource(options_.ledger_path, options_.shipping_configured);
      if (!ledger.ok()) return ledger.status();
      source_ = std::move(*ledger);
    }
    if (Status s = Reload(); !s.ok()) return s;
    stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

    ApiSources src;
    src.snapshot = [this] { return snapshot_.Get(); };
    src.session_events = [this](const std::string& id, size_t limit) {
      return source_->SessionEvents(id, limit);
    };
    src.now_ms = [] { return SystemClock().NowMs(); };
    src.prices = options_.prices != nullptr ? options_.prices : &PriceTable::Embedded();
    src.default_zone = options_.zone;
    src.version = options_.version;
    api_ = std::make_unique<DashboardApi>(std::move(src));

    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    server_.set_keep_alive_timeout(5);
    server_.set_payload_max_length(64 * 1024);
    server_.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) {
          IgnoreRangesOfGeneratedAnswers(req);
          return Admit(req, res) ? httplib::Server::HandlerResponse::Unhandled
                                 : httplib::Server::HandlerResponse::Handled;
        });
    server_.Get("/api/events", [this](const httplib::Request&, httplib::Response& res) {
      EventStream(res);
    });
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      Serve(req, res);
    });
    Result<int> port = BindListener(server_, options_.host, options_.port, "--port");
    if (!port.ok()) return port.status();
    port_ = *port;
    // Cookies are not kept apart by port: one name per dashboard, so two on
    // one host do not overwrite each other's.
    cookie_name_ = "cc_dashboard_token_" + std::to_string(port_);
    cookie_value_ = HexOf(options_.auth_token);
    listener_ = std::thread([this] { server_.listen_after_bind(); });
    refresher_ = std::thread([this] { RefreshLoop(); });
    return Status::Ok();
  }

  void Stop() {
    {
      // Under the streams' mutex: a stream between testing the flag and
      // waiting would otherwise miss the wake-up and sleep out its 5 s.
      std::lock_guard<std::mutex> lock(version_mu_);
      if (stopping_.exchange(true)) return;
    }
    if (stop_fd_ >= 0) {
      const uint64_t one = 1;
      (void)!write(stop_fd_, &one, sizeof one);
    }
    version_cv_.notify_all();
    server_.stop();
    if (listener_.joinable()) listener_.join();
    if (refresher_.joinable()) refresher_.join();
    if (stop_fd_ >= 0) close(stop_fd_);
    stop_fd_ = -1;
  }

  int port() const { return port_; }
  const DashboardOptions& options() const { return options_; }

 private:
  // Auth, Host and method checks; false = answered already.
  bool Admit(const httplib::Request& req, httplib::Response& res) {
    for (const auto& [name, value] : SecurityHeaders()) res.set_header(name, value);
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      PlainError(res, 405, "read-only: GET and HEAD only");
      return false;
    }
    if (!options_.auth_token.empty()) {
      // A health probe (a load balancer, systemd, a script) carries no
      // token; "ok" tells it nothing else.
      if (req.path == "/healthz") return true;
      if (!Authorized(req, res)) {
        res.set_header("WWW-Authenticate", "Bearer");
        PlainError(res, 401,
                   "a token is required (?token=, Authorization: Bearer, or "
                   "the cookie a ?token= request sets)");
        return false;
      }
    } else if (!IsLoopbackHost(req.get_header_value("Host"))) {
      PlainError(res, 403, "this dashboard answers to localhost only");
      return false;
    }
    return true;
  }

  // Any one of the three credentials, each compared in constant time. A
  // valid ?token= (the page's address) also sets the cookie, so the
  // page's own files, fetches and event stream carry the token without
  // it being written into each of them.
  bool Authorized(const httplib::Request& req, httplib::Response& res) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() > 7 && EqualsIgnoringCase(std::string_view(auth).substr(0, 7), "bearer ") &&
        ConstantTimeEquals(std::string_view(auth).substr(7),
                           options_.auth_token)) {
      return true;
    }
    if (req.has_param("token") &&
        ConstantTimeEquals(req.get_param_value("token"), options_.auth_token)) {
      res.set_header("Set-Cookie", cookie_name_ + "=" + cookie_value_ +
                                       "; HttpOnly; SameSite=Strict; Path=/");
      return true;
    }
    const std::string cookie = CookieValue(req, cookie_name_);
    return !cookie.empty() && ConstantTimeEquals(cookie, cookie_value_);
  }

  void Serve(const httplib::Request& req, httplib::Response& res) {
    const std::string& path = req.path;
    if (IsApiPath(path)) {
      ApiRequest r;
      r.path = path;
      for (const auto& [k, v] : req.params) {
        if (k != "token") r.params[k] = v;
      }
      ApiResponse a = api_->Handle(r);
      res.status = a.status;
      res.set_content(a.body, a.content_type);
      return;
    }
    const EmbeddedFile* f = FindEmbeddedFile(path);
    if (f == nullptr) {
      PlainError(res, 404, "not found");
      return;
    }
    res.set_content(f->data, f->size, f->content_type);
  }

  // One live stream: `change` events with the snapshot version.
  void EventStream(httplib::Response& res) {
    if (streams_.fetch_add(1) >= kMaxEventStreams) {
      streams_.fetch_sub(1);
      PlainError(res, 503, "too many open event streams");
      return;
    }
    res.set_header("X-Accel-Buffering", "no");
    auto sent = std::make_shared<uint64_t>(0);
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, sent](size_t, httplib::DataSink& sink) {
          std::unique_lock<std::mutex> lock(version_mu_);
          if (*sent != 0) {
            version_cv_.wait_for(lock, kKeepAlive, [&] {
              return stopping_.load() || version_ != *sent;
            });
          }
          if (stopping_) {
            // The last chunk, then no keep-alive wait for a next request:
            // the stream ends cleanly and the connection closes at once.
            // Under the lock: httplib's done() writes its end marker
            // through a buffer its streams share (a race TSan reports).
            sink.done();
            return false;
          }
          std::string msg;
          if (version_ != *sent) {
            *sent = version_;
            msg = "retry: 1000\nid: " + std::to_string(version_) +
                  "\nevent: change\ndata: {\"version\":" +
                  std::to_string(version_) + "}\n\n";
          } else {
            msg = ": keep-alive\n\n";
          }
          lock.unlock();
          return sink.write(msg.data(), msg.size());
        },
        [this](bool) { streams_.fetch_sub(1); });
  }

  Status Reload() {
    Result<std::shared_ptr<DashboardSnapshot>> s =
        source_->Load(SystemClock().NowMs());
    if (!s.ok()) return s.status();
    std::lock_guard<std::mutex> lock(version_mu_);
    (*s)->version = ++version_;
    snapshot_.Set(std::move(*s));
    version_cv_.notify_all();
    return Status::Ok();
  }

  // A failed read keeps the last snapshot.
  void RefreshLoop() {
    while (!stopping_) {
      switch (source_->WaitForChange(stop_fd_)) {
        case DashboardSource::Change::kStopped:
          return;
        case DashboardSource::Change::kData:
          (void)Reload();
          break;
        case DashboardSource::Change::kHeartbeat:
          RefreshLiveness();
          break;
      }
    }
  }

  // Same version: the page is not told; its next request sees the fresh
  // heartbeat.
  void RefreshLiveness() {
    std::shared_ptr<const DashboardSnapshot> current = snapshot_.Get();
    if (!current) return;
    Result<std::shared_ptr<DashboardSnapshot>> s =
        source_->RefreshLiveness(*current);
    if (s.ok()) snapshot_.Set(std::move(*s));
  }

  DashboardOptions options_;
  std::unique_ptr<DashboardSource> source_;
  SnapshotHolder snapshot_;
  std::unique_ptr<DashboardApi> api_;
  httplib::Server server_;
  int port_ = 0;
  std::string cookie_name_, cookie_value_;  // Set before the first request.
  int stop_fd_ = -1;
  std::thread listener_, refresher_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> streams_{0};
  std::mutex version_mu_;
  std::condition_variable version_cv_;
  uint64_t version_ = 0;
};

Result<std::unique_ptr<DashboardServer>> DashboardServer::Start(
    DashboardOptions options, std::unique_ptr<DashboardSource> source) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(source));
  if (Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<DashboardServer>(new DashboardServer(std::move(impl)));
}

DashboardServer::DashboardServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

DashboardServer::~DashboardServer() { Stop(); }

void DashboardServer::Stop() { impl_->Stop(); }

int DashboardServer::port() const { return impl_->port(); }

std::string DashboardServer::Url() const {
  const std::string& host = impl_->options().host;
  const std::string shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host;
  return "http://" + (shown.find(':') != std::string::npos ? "[" + shown + "]" : shown) +
         ":" + std::to_string(port()) + "/";
}

const EmbeddedFile* FindEmbeddedFile(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (path == kEmbeddedFiles[i].path) return &kEmbeddedFiles[i];
  }
  return nullptr;
}

}  // namespace cc
