#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <future>
#include <thread>

#include "http/connection_cap.h"
#include "http/port_owner.h"

namespace cc::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

using Parser = bhttp::request_parser<bhttp::string_body>;
using SpanBody = bhttp::span_body<const char>;
using WholeMessage = bhttp::response<SpanBody>;

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
// After refusing a body, at most this many times the body limit is read
// and dropped so that the answer reaches a client still sending.
constexpr size_t kDrainFactor = 8;
// A write (an answer, a chunk) must be taken by the client within this,
// plus its size at the minimum body rate.
constexpr std::chrono::seconds kWriteDeadline{30};
// How long a refused client may go on sending headers after its answer.
constexpr std::chrono::seconds kLinger{2};
constexpr size_t kDrainBufferBytes = 64 * 1024;
// How long Stop waits for the last chunks to go out.
constexpr std::chrono::milliseconds kStopGrace{1000};

std::chrono::milliseconds TimeFor(size_t bytes, const Limits& limits) {
  const size_t rate = std::max<size_t>(limits.min_body_bytes_per_second, 1);
  return std::chrono::milliseconds(bytes / rate * 1000 + (bytes % rate) * 1000 / rate);
}

int64_t NowNs() { return std::chrono::nanoseconds(SteadyClock::now().time_since_epoch()).count(); }

// The client went away (or the server closed the connection): nothing to
// answer.
bool PeerGone(beast::error_code ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::operation_aborted;
}

template <class Body>
void SetHead(bhttp::response<Body>& message, const Response& r) {
  message.version(11);
  message.result(static_cast<unsigned>(r.status));
  for (const Header& h : r.headers) message.set(h.name, h.value);
  if (!r.content_type.empty()) message.set(bhttp::field::content_type, r.content_type);
}

// The answer as Beast writes it; its body is a view of `r`'s, which must
// outlive the write.
std::shared_ptr<WholeMessage> MessageFor(const Response& r, bool keep_alive) {
  auto message = std::make_shared<WholeMessage>();
  SetHead(*message, r);
  const std::string_view body = r.static_body.data() != nullptr ? r.static_body : r.body;
  message->body() = SpanBody::value_type(body.data(), body.size());
  message->keep_alive(keep_alive);
  message->prepare_payload();
  return message;
}

}  // namespace

class Server::Impl {
 public:
  explicit Impl(ServerOptions o)
      : options_(std::move(o)),
        connections_(options_.limits.max_connections),
        handler_pool_(std::max<size_t>(options_.limits.handler_threads, 1)),
        acceptor_(ioc_) {}
  ~Impl() { Stop(); }

  Status Start();
  void Stop();
  int port() const { return port_; }
  size_t open_connections() const { return connections_.Open().size(); }

  const ServerOptions& options() const { return options_; }
  const Limits& limits() const { return options_.limits; }
  net::thread_pool& handler_pool() { return handler_pool_; }
  bool stopping() const { return stopping_.load(); }

 private:
  Status Listen();
  void Accept();

  ServerOptions options_;
  ConnectionCap connections_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  int port_ = 0;
  net::thread_pool handler_pool_;
  // Destroyed before the members above: its queued handlers own sessions.
  net::io_context ioc_{1};
  tcp::acceptor acceptor_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::thread io_thread_;
};

// One connection: requests read and answered in turn, or one event stream.
// Everything but the handler runs on the I/O thread.
class Session : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl* server)
      : stream_(std::move(socket)),
        server_(server),
        buffer_(server->limits().max_header_bytes + 64 * 1024),
        keep_alive_timer_(stream_.get_executor()),
        deadline_timer_(stream_.get_executor()) {}

  void Start() { AwaitRequest(/*after_answer=*/false); }

  net::any_io_executor executor() { return stream_.get_executor(); }

  bool WaitingForRequest() const override { return waiting_.load(); }
  int64_t waiting_since_ns() const override { return waiting_since_ns_.load(); }
  bool closed() const override { return closed_.load(); }
  void Close() override;
  void Shutdown() override { streaming_ ? EndStream() : Close(); }

  // Event streams (StreamHandle calls these through the executor).
  void QueueChunk(std::string chunk);
  void EndStream();

 private:
  const Limits& limits() const { return server_->limits(); }
  void AwaitRequest(bool after_answer);
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void ReadBody();
  void OnBody(beast::error_code ec);
  void Dispatch();
  void Answer(Response response, bool head_only);
  // Writes `response` (its headers only when `head_only`), then `then`.
  void Write(Response response, bool keep_alive, bool head_only,
             std::function<void(beast::error_code)> then);
  void Refuse(Response response);
  // Refuses the request with an answer of the server's own.
  void Fail(int status, const std::string& message) {
    const ServerOptions& o = server_->options();
    Refuse(o.error_response ? o.error_response(request_, status, message)
                            : Response::Text(status, message));
  }
  void FailBodyTooLarge() {
    Fail(413, "the body is over the limit of " + std::to_string(limits().max_body_bytes) +
                  " bytes");
  }
  void Drain(size_t budget);
  void OpenStream(Response response);
  void WatchStreamPeer();
  void WriteNextChunk();
  void ArmKeepAlive();
  void ArmDeadline(std::chrono::milliseconds after) {
    deadline_passed_ = false;
    stream_.expires_never();
    deadline_timer_.expires_after(after);
    deadline_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      self->deadline_passed_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }
  bool DeadlinePassed() {
    deadline_timer_.cancel();
    return deadline_passed_;
  }
  void SetWaiting(bool waiting) {
    if (waiting) waiting_since_ns_.store(NowNs());
    waiting_.store(waiting);
  }

  beast::tcp_stream stream_;
  Server::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  Request request_;
  bool header_complete_ = false;
  std::atomic<bool> waiting_{true};
  std::atomic<int64_t> waiting_since_ns_{NowNs()};
  std::atomic<bool> closed_{false};
  // Event stream state (I/O thread only).
  bool streaming_ = false;
  bool writing_ = false;
  bool ending_ = false;
  bool wrote_since_tick_ = false;
  std::deque<std::string> chunks_;
  std::function<void()> on_stream_close_;
  std::shared_ptr<class StreamHandle> handle_;
  net::steady_timer keep_alive_timer_;
  // The request's deadline: on expiry the read is cancelled (not the
  // socket closed, as the stream's own expiry would) so that a 408 can go
  // out.
  net::steady_timer deadline_timer_;
  bool deadline_passed_ = false;
  char peer_byte_[256];
  std::unique_ptr<char[]> drain_buffer_;
};

// The application's side of an event stream.
class StreamHandle : public EventStream {
 public:
  explicit StreamHandle(std::weak_ptr<Session> session) : session_(std::move(session)) {}

  bool Send(std::string chunk) override {
    std::shared_ptr<Session> s = closed_.load() ? nullptr : session_.lock();
    if (!s) return false;
    net::post(s->executor(), [s, chunk = std::move(chunk)]() mutable {
      s->QueueChunk(std::move(chunk));
    });
    return true;
  }
  void Close() override {
    if (closed_.exchange(true)) return;
    if (std::shared_ptr<Session> s = session_.lock()) {
      net::post(s->executor(), [s] { s->EndStream(); });
    }
  }
  bool closed() const override { return closed_.load(); }
  void MarkClosed() { closed_.store(true); }

 private:
  std::weak_ptr<Session> session_;
  std::atomic<bool> closed_{false};
};

void Session::AwaitRequest(bool after_answer) {
  SetWaiting(true);
  header_complete_ = false;
  request_ = Request{};
  if (!after_answer || buffer_.size() > 0) return ReadHeader();
  // An idle keep-alive: the next request's first byte within the idle
  // limit, then its headers within the header deadline.
  stream_.expires_after(limits().keep_alive_idle);
  stream_.async_read_some(
      buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
        if (ec) return self->Close();
        self->buffer_.commit(n);
        self->ReadHeader();
      });
}

void Session::ReadHeader() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits().max_header_bytes));
  parser_->body_limit(limits().max_body_bytes);
  ArmDeadline(limits().header_deadline);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) {
                             self->OnHeader(ec);
                           });
}

void Session::OnHeader(beast::error_code ec) {
  if (DeadlinePassed()) {
    return Fail(408, "the request's headers did not arrive within " +
                         std::to_string(limits().header_deadline.count() / 1000) + " s");
  }
  if (ec == bhttp::error::header_limit) {
    return Fail(431, "the request's headers are over " +
                         std::to_string(limits().max_header_bytes) + " bytes");
  }
  if (PeerGone(ec)) return Close();
  const bool too_large = ec == bhttp::error::body_limit;
  if (ec && !too_large) return Fail(400, "not a valid HTTP/1.1 request: " + ec.message());
  SetWaiting(false);
  header_complete_ = true;
  const auto& message = parser_->get();
  request_.method = std::string(message.method_string());
  request_.target = std::string(message.target());
  ParseTarget(request_.target, &request_.path, &request_.params);
  size_t fields = 0;
  for (const auto& field : message) {
    if (++fields > limits().max_header_fields) break;
    request_.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  if (fields > limits().max_header_fields) {
    return Fail(431, "the request has more than " +
                         std::to_string(limits().max_header_fields) + " header fields");
  }
  if (too_large) return FailBodyTooLarge();
  const auto& screen = server_->options().screen;
  if (std::optional<Response> refusal = screen ? screen(request_) : std::nullopt) {
    return Refuse(std::move(*refusal));
  }
  if (parser_->is_done()) return Dispatch();
  if (!EqualsIgnoringCase(request_.HeaderValue("Expect"), "100-continue")) return ReadBody();
  stream_.expires_after(kWriteDeadline);
  net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                   [self = shared_from_this()](beast::error_code write_ec, size_t) {
                     if (write_ec) return self->Close();
                     self->ReadBody();
                   });
}

void Session::ReadBody() {
  const auto declared = parser_->content_length();
  const size_t size = declared ? static_cast<size_t>(*declared) : limits().max_body_bytes;
  ArmDeadline(limits().header_deadline + TimeFor(size, limits()));
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->OnBody(ec);
                    });
}

void Session::OnBody(beast::error_code ec) {
  if (DeadlinePassed()) return Fail(408, "the request's body did not arrive in time");
  if (ec == bhttp::error::body_limit) return FailBodyTooLarge();
  if (PeerGone(ec)) return Close();
  if (ec) return Fail(400, "the request's body is not valid: " + ec.message());
  Dispatch();
}

void Session::Dispatch() {
  request_.body = std::move(parser_->get().body());
  const bool keep_alive = parser_->get().keep_alive();
  const bool head_only = request_.method == "HEAD";
  net::post(server_->handler_pool(), [self = shared_from_this(), request = std::move(request_),
                                      keep_alive, head_only]() mutable {
    Response response;
    try {
      response = self->server_->options().handler(request);
    } catch (const std::exception& e) {
      response = Response::Text(500, std::string("internal error: ") + e.what());
    }
    if (!keep_alive) response.close_connection = true;
    net::post(self->executor(), [self, response = std::move(response), head_only]() mutable {
      self->Answer(std::move(response), head_only);
    });
  });
}

void Session::Answer(Response response, bool head_only) {
  if (closed_) {
    if (response.on_stream_close) response.on_stream_close();  // Never opened.
    return;
  }
  if (response.on_stream_open) return OpenStream(std::move(response));
  const bool close = response.close_connection || server_->stopping();
  Write(std::move(response), !close, head_only,
        [self = shared_from_this(), close](beast::error_code ec) {
          if (ec || close) return self->Close();
          self->AwaitRequest(/*after_answer=*/true);
        });
}

void Session::Write(Response response, bool keep_alive, bool head_only,
                    std::function<void(beast::error_code)> then) {
  auto owned = std::make_shared<Response>(std::move(response));
  std::shared_ptr<WholeMessage> message = MessageFor(*owned, keep_alive);
  auto serializer = std::make_shared<bhttp::response_serializer<SpanBody>>(*message);
  stream_.expires_after(kWriteDeadline + TimeFor(message->body().size(), limits()));
  auto done = [owned, message, serializer, then = std::move(then)](beast::error_code ec,
                                                                   size_t) { then(ec); };
  if (head_only) {
    bhttp::async_write_header(stream_, *serializer, std::move(done));
  } else {
    bhttp::async_write(stream_, *serializer, std::move(done));
  }
}

// An answer the request does not get past: written, then what is left of
// the body is read and dropped (within limits) before the connection
// closes, so that a client still sending sees the answer.
void Session::Refuse(Response response) {
  if (closed_) return;
  SetWaiting(false);
  const bool body_pending = header_complete_ && parser_ && !parser_->is_done();
  Write(std::move(response), /*keep_alive=*/false, /*head_only=*/false,
        [self = shared_from_this(), body_pending](beast::error_code ec) {
          if (ec) return self->Close();
          // Closing with unread bytes would reset the connection and could
          // destroy the answer before the client reads it: our side ends,
          // and what the client still sends is read and dropped first.
          beast::error_code ignored;
          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
          const Limits& limits = self->limits();
          const size_t budget =
              body_pending ? kDrainFactor * limits.max_body_bytes : limits.max_header_bytes;
          self->stream_.expires_after(
              body_pending ? limits.header_deadline + TimeFor(budget, limits) : kLinger);
          self->Drain(budget);
        });
}

// Within the deadline already set.
void Session::Drain(size_t budget) {
  if (budget == 0) return Close();
  if (!drain_buffer_) drain_buffer_ = std::make_unique<char[]>(kDrainBufferBytes);
  stream_.async_read_some(net::buffer(drain_buffer_.get(), kDrainBufferBytes),
                          [self = shared_from_this(), budget](beast::error_code ec, size_t n) {
                            if (ec) return self->Close();
                            self->Drain(n >= budget ? 0 : budget - n);
                          });
}

void Session::OpenStream(Response response) {
  streaming_ = true;
  on_stream_close_ = std::move(response.on_stream_close);
  auto header = std::make_shared<bhttp::response<bhttp::empty_body>>();
  SetHead(*header, response);
  header->chunked(true);
  header->keep_alive(false);
  auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*header);
  handle_ = std::make_shared<StreamHandle>(weak_from_this());
  stream_.expires_after(kWriteDeadline);
  bhttp::async_write_header(
      stream_, *serializer,
      [self = shared_from_this(), header, serializer,
       open = std::move(response.on_stream_open)](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->stream_.expires_never();
        self->WatchStreamPeer();
        self->ArmKeepAlive();
        open(self->handle_);
      });
}

// A stream's client sends nothing more; its end (or an error) ends the
// stream at once instead of at the next write.
void Session::WatchStreamPeer() {
  stream_.socket().async_read_some(
      net::buffer(peer_byte_), [self = shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->WatchStreamPeer();
      });
}

void Session::ArmKeepAlive() {
  keep_alive_timer_.expires_after(limits().stream_keep_alive);
  keep_alive_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_ || self->ending_) return;
    if (!self->wrote_since_tick_) self->QueueChunk(": keep-alive\n\n");
    self->wrote_since_tick_ = false;
    self->ArmKeepAlive();
  });
}

void Session::QueueChunk(std::string chunk) {
  if (closed_ || ending_ || !streaming_) return;
  wrote_since_tick_ = true;
  chunks_.push_back(std::move(chunk));
  if (!writing_) WriteNextChunk();
}

void Session::EndStream() {
  if (closed_ || ending_) return;
  ending_ = true;
  if (handle_) handle_->MarkClosed();
  if (!writing_) WriteNextChunk();
}

void Session::WriteNextChunk() {
  if (closed_) return;
  writing_ = !chunks_.empty() || ending_;
  if (chunks_.empty()) {
    if (!ending_) return;
    stream_.expires_after(kWriteDeadline);
    return net::async_write(stream_, bhttp::make_chunk_last(),
                            [self = shared_from_this()](beast::error_code, size_t) {
                              self->Close();
                            });
  }
  auto data = std::make_shared<std::string>(std::move(chunks_.front()));
  chunks_.pop_front();
  stream_.expires_after(kWriteDeadline + TimeFor(data->size(), limits()));
  net::async_write(stream_, bhttp::make_chunk(net::buffer(*data)),
                   [self = shared_from_this(), data](beast::error_code ec, size_t) {
                     if (ec) return self->Close();
                     self->WriteNextChunk();
                   });
}

void Session::Close() {
  if (closed_.exchange(true)) return;
  SetWaiting(false);
  keep_alive_timer_.cancel();
  deadline_timer_.cancel();
  if (handle_) handle_->MarkClosed();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  if (streaming_ && on_stream_close_) {
    std::function<void()> closed = std::move(on_stream_close_);
    closed();
  }
}

Status Server::Impl::Listen() {
  beast::error_code ec;
  tcp::endpoint endpoint(net::ip::make_address(options_.host, ec),
                         static_cast<unsigned short>(options_.port));
  if (ec) {  // A name.
    auto found = tcp::resolver(ioc_).resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || found.empty()) {
      return Status::InvalidArgument("cannot listen on " + options_.host + ": " +
                                     (ec ? ec.message() : "no address"));
    }
    endpoint = found.begin()->endpoint();
  }
  acceptor_.open(endpoint.protocol(), ec);
  // SO_REUSEADDR only: a restart may bind while old connections linger in
  // TIME_WAIT, but Linux still refuses a second listener (no SO_REUSEPORT);
  // it may say so at bind or at listen.
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(options_.limits.listen_backlog, ec);
  if (ec == net::error::address_in_use) return PortInUse(options_.port, options_.port_flag);
  if (ec) {
    return Status::IoError("cannot listen on " + options_.host + ":" +
                           std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  return Status::Ok();
}

Status Server::Impl::Start() {
  if (Status s = Listen(); !s.ok()) return s;
  work_.emplace(ioc_.get_executor());
  Accept();
  io_thread_ = std::thread([this] {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception&) {
        // A handler threw (out of memory): its connection is gone, the
        // server goes on.
      }
    }
  });
  started_ = true;
  return Status::Ok();
}

void Server::Impl::Accept() {
  acceptor_.async_accept(ioc_, [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec && !stopping_) {
      auto session = std::make_shared<Session>(std::move(socket), this);
      if (connections_.Admit(session)) session->Start();  // Else it closes as it goes.
    }
    Accept();
  });
}

void Server::Impl::Stop() {
  if (!started_ || stopping_.exchange(true)) return;
  // On the I/O thread, and waited for: stopping the loop first could drop
  // these, leaving the port open and connections hanging.
  std::promise<void> closed;
  net::post(ioc_, [this, &closed] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    for (const std::shared_ptr<Connection>& c : connections_.Open()) c->Shutdown();
    // An accept that completed before the close (Asio tries one at once
    // when the last handler re-arms) has its handler queued ahead of this
    // post: it runs first, sees the acceptor closed and drops its socket.
    // Stopping the loop before it would leave that client hanging until
    // the server is destroyed.
    net::post(ioc_, [&closed] { closed.set_value(); });
  });
  closed.get_future().wait();
  const auto deadline = SteadyClock::now() + kStopGrace;
  while (open_connections() > 0 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  work_.reset();
  ioc_.stop();
  if (io_thread_.joinable()) io_thread_.join();
  handler_pool_.join();
}

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }
int Server::port() const { return impl_->port(); }
void Server::Stop() { impl_->Stop(); }
size_t Server::open_connections() const { return impl_->open_connections(); }

}  // namespace cc::http
