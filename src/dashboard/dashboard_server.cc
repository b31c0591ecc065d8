#include "dashboard/dashboard_server.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/listen.h"
#include "dashboard/dashboard_api.h"
#include "dashboard/dashboard_source.h"
#include "dashboard/embedded_files.h"
#include "dashboard/snapshot.h"
#include "http/request_origin.h"
#include "http/server.h"

namespace cc {
namespace {

// Headers on every answer: the page may load only from this server.
const std::vector<http::Header>& SecurityHeaders() {
  static const std::vector<http::Header> h = {
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

http::Response WithSecurityHeaders(http::Response r) {
  for (const http::Header& h : SecurityHeaders()) r.SetHeader(h.name, h.value);
  return r;
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
std::string CookieValue(const http::Request& req, std::string_view name) {
  for (std::string_view rest : req.HeaderValues("Cookie")) {
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

// One byte range of `size` bytes, as "bytes=a-b", "bytes=a-" or
// "bytes=-n". nullopt: no usable single range (absent, several, or not
// bytes), so the whole file is served; {size, 0}: unsatisfiable (416).
std::optional<std::pair<size_t, size_t>> SingleRange(std::string_view header, size_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return std::nullopt;
  const std::string_view spec = header.substr(kUnit.size());
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto number = [](std::string_view digits) -> std::optional<size_t> {
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    return static_cast<size_t>(std::stoull(std::string(digits)));
  };
  const std::optional<size_t> first = number(spec.substr(0, dash));
  const std::optional<size_t> last = number(spec.substr(dash + 1));
  if (!first && !last) return std::nullopt;
  if (!first) {  // The last n bytes.
    if (*last == 0) return std::pair<size_t, size_t>{size, 0};
    const size_t n = std::min(*last, size);
    return std::pair<size_t, size_t>{size - n, n};
  }
  if (spec.size() > dash + 1 && !last) return std::nullopt;
  if (*first >= size || (last && *last < *first)) return std::pair<size_t, size_t>{size, 0};
  const size_t end = last ? std::min(*last, size - 1) : size - 1;
  return std::pair<size_t, size_t>{*first, end - *first + 1};
}

std::string ChangeEvent(uint64_t version) {
  return "retry: 1000\nid: " + std::to_string(version) +
         "\nevent: change\ndata: {\"version\":" + std::to_string(version) + "}\n\n";
}

constexpr size_t kMaxEventStreams = 16;

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
    options_.budgets.calendar = BudgetCalendar{options_.zone, options_.start_of_week};
    src.budgets = [this](int64_t now_ms) {
      return source_->BudgetStatuses(options_.budgets, now_ms);
    };
    src.prices = options_.prices != nullptr ? options_.prices : &PriceTable::Embedded();
    src.default_zone = options_.zone;
    src.default_start_of_week = options_.start_of_week;
    src.version = options_.version;
    api_ = std::make_unique<DashboardApi>(std::move(src));

    http::ServerOptions server;
    server.host = options_.host;
    server.port = options_.port;
    server.port_flag = "--port";
    server.limits.max_body_bytes = 64 * 1024;
    server.screen = [this](const http::Request& req) { return Screen(req); };
    server.handler = [this](const http::Request& req) {
      return WithSecurityHeaders(Handle(req));
    };
    server.error_response = [](const http::Request&, int status, const std::string& message) {
      return WithSecurityHeaders(http::Response::Text(status, message));
    };
    Result<std::unique_ptr<http::Server>> started = http::Server::Start(std::move(server));
    if (!started.ok()) return started.status();
    server_ = std::move(*started);
    // Cookies are not kept apart by port: one name per dashboard, so two on
    // one host do not overwrite each other's.
    cookie_name_ = "cc_dashboard_token_" + std::to_string(server_->port());
    cookie_value_ = HexOf(options_.auth_token);
    refresher_ = std::thread([this] { RefreshLoop(); });
    return Status::Ok();
  }

  void Stop() {
    if (stopping_.exchange(true)) return;
    if (stop_fd_ >= 0) {
      const uint64_t one = 1;
      (void)!write(stop_fd_, &one, sizeof one);
    }
    if (server_) server_->Stop();  // Ends the event streams with their last chunk.
    if (refresher_.joinable()) refresher_.join();
    if (stop_fd_ >= 0) close(stop_fd_);
    stop_fd_ = -1;
  }

  int port() const { return server_ ? server_->port() : 0; }
  const DashboardOptions& options() const { return options_; }

 private:
  // Before a body is read: the method, then where the request comes from.
  std::optional<http::Response> Screen(const http::Request& req) const {
    if (req.method != "GET" && req.method != "HEAD") {
      http::Response r = http::Response::Text(405, "read-only: GET and HEAD only");
      r.SetHeader("Allow", "GET, HEAD");
      return WithSecurityHeaders(std::move(r));
    }
    http::OriginRule rule;
    rule.loopback_host_only = options_.auth_token.empty();
    rule.same_origin_allowed = true;
    const std::string foreign = http::ForeignRequestReason(req, rule);
    if (!foreign.empty()) return WithSecurityHeaders(http::Response::Text(403, foreign));
    return std::nullopt;
  }

  http::Response Handle(const http::Request& req) {
    std::string set_cookie;
    // A health probe (a load balancer, systemd, a script) carries no
    // token; "ok" tells it nothing else.
    if (!options_.auth_token.empty() && req.path != "/healthz" &&
        !Authorized(req, &set_cookie)) {
      http::Response r = http::Response::Text(
          401,
          "a token is required (?token=, Authorization: Bearer, or the cookie a "
          "?token= request sets)");
      r.SetHeader("WWW-Authenticate", "Bearer");
      return r;
    }
    http::Response r = req.path == "/api/events" ? EventStream() : Serve(req);
    if (!set_cookie.empty()) r.SetHeader("Set-Cookie", set_cookie);
    return r;
  }

  // Any one of the three credentials, each compared in constant time. A
  // valid ?token= (the page's address) also sets the cookie, so the
  // page's own files, fetches and event stream carry the token without
  // it being written into each of them.
  bool Authorized(const http::Request& req, std::string* set_cookie) const {
    const std::string_view auth = req.HeaderValue("Authorization");
    if (auth.size() > 7 && http::EqualsIgnoringCase(auth.substr(0, 7), "bearer ") &&
        ConstantTimeEquals(auth.substr(7), options_.auth_token)) {
      return true;
    }
    if (const std::string* token = req.Param("token");
        token != nullptr && ConstantTimeEquals(*token, options_.auth_token)) {
      *set_cookie = cookie_name_ + "=" + cookie_value_ + "; HttpOnly; SameSite=Strict; Path=/";
      return true;
    }
    const std::string cookie = CookieValue(req, cookie_name_);
    return !cookie.empty() && ConstantTimeEquals(cookie, cookie_value_);
  }

  http::Response Serve(const http::Request& req) const {
    if (IsApiPath(req.path)) {
      ApiRequest r;
      r.path = req.path;
      for (const auto& [k, v] : req.params) {
        if (k != "token") r.params[k] = v;
      }
      ApiResponse a = api_->Handle(r);
      http::Response out;
      out.status = a.status;
      out.body = std::move(a.body);
      out.content_type = a.content_type;
      return out;
    }
    const EmbeddedFile* f = FindEmbeddedFile(req.path);
    if (f == nullptr) return http::Response::Text(404, "not found");
    return ServeFile(*f, req.HeaderValue("Range"));
  }

  // An embedded file, or one range of it; several ranges get the whole
  // file (no multipart answers: one request, at most one copy).
  static http::Response ServeFile(const EmbeddedFile& f, std::string_view range_header) {
    http::Response r;
    r.content_type = f.content_type;
    r.static_body = std::string_view(f.data, f.size);
    r.SetHeader("Accept-Ranges", "bytes");
    const auto range = SingleRange(range_header, f.size);
    if (!range) return r;
    if (range->second == 0) {
      http::Response unsatisfiable = http::Response::Text(416, "range not satisfiable");
      unsatisfiable.SetHeader("Content-Range", "bytes */" + std::to_string(f.size));
      return unsatisfiable;
    }
    r.status = 206;
    r.static_body = r.static_body.substr(range->first, range->second);
    r.SetHeader("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                     std::to_string(range->first + range->second - 1) + "/" +
                                     std::to_string(f.size));
    return r;
  }

  // One live stream: `change` events with the snapshot version; the
  // server sends a comment on a quiet stream every 5 s.
  http::Response EventStream() {
    if (streams_.fetch_add(1) >= kMaxEventStreams) {
      streams_.fetch_sub(1);
      return http::Response::Text(503, "too many open event streams");
    }
    http::Response r;
    r.content_type = "text/event-stream";
    r.SetHeader("X-Accel-Buffering", "no");
    r.on_stream_open = [this](std::shared_ptr<http::EventStream> stream) {
      std::lock_guard<std::mutex> lock(version_mu_);
      stream->Send(ChangeEvent(version_));
      open_streams_.push_back(std::move(stream));
    };
    r.on_stream_close = [this] { streams_.fetch_sub(1); };
    return r;
  }

  Status Reload() {
    Result<std::shared_ptr<DashboardSnapshot>> s =
        source_->Load(SystemClock().NowMs());
    if (!s.ok()) return s.status();
    std::lock_guard<std::mutex> lock(version_mu_);
    (*s)->version = ++version_;
    snapshot_.Set(std::move(*s));
    std::erase_if(open_streams_, [](const std::shared_ptr<http::EventStream>& stream) {
      return stream->closed();
    });
    for (const std::shared_ptr<http::EventStream>& stream : open_streams_) {
      stream->Send(ChangeEvent(version_));
    }
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
  std::string cookie_name_, cookie_value_;  // Set before the first request.
  int stop_fd_ = -1;
  std::thread refresher_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> streams_{0};
  std::mutex version_mu_;
  uint64_t version_ = 0;                                       // Guarded by version_mu_.
  std::vector<std::shared_ptr<http::EventStream>> open_streams_;  // Guarded by version_mu_.
  std::unique_ptr<http::Server> server_;  // Last: stopped before the rest goes.
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
