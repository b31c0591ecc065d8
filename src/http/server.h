// Server: HTTP/1.1 for the program's listening ports (the dashboard, the
// OpenTelemetry receiver), event-driven on Boost.Beast/Asio so that slow or
// hostile clients cost a socket and a buffer, never a thread.
//
// Limits (docs/api.md "Limits"; each answered, then the connection closed):
//   request headers: at most 100 fields and 64 KiB             -> 431
//   the request line and headers within 10 s of the first byte,
//   or of the connection                                        -> 408
//   a body within 10 s plus 1 s per MiB of its declared size
//   (or of the limit, when chunked)                             -> 408
//   a body over the server's limit, as declared or as it comes  -> 413
//   an idle keep-alive connection: closed after 5 s
//   connections: at most max_connections; a new one beyond that
//   closes the connection that has waited longest for a request
//   (slow senders and idle keep-alives go first), or itself when
//   every connection is busy
// The listen backlog is 1024; no SO_REUSEPORT: a taken port is an error
// naming the port (and the process holding it, when it can be read).
//
// Threads: one runs all I/O; handlers run on a pool of their own (so a
// slow handler never holds up another connection's bytes). Handlers may
// be called concurrently.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "http/message.h"

namespace cc::http {

struct Limits {
  size_t max_header_fields = 100;
  size_t max_header_bytes = 64 * 1024;
  std::chrono::milliseconds header_deadline{10'000};
  std::chrono::milliseconds keep_alive_idle{5'000};
  size_t max_body_bytes = 64 * 1024;
  // A body's deadline: header_deadline plus its size at this rate.
  size_t min_body_bytes_per_second = 1 << 20;
  size_t max_connections = 512;
  int listen_backlog = 1024;
  // An event stream with nothing to say sends a comment this often, so a
  // gone client is noticed (the write fails) and frees its connection.
  std::chrono::milliseconds stream_keep_alive{5'000};
  size_t handler_threads = 4;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                 // 0: any free port.
  std::string port_flag;        // The option that chooses another ("--port").
  Limits limits;
  // Every complete request within the limits.
  std::function<Response(const Request&)> handler;
  // Checked once a request's headers are in, before its body is read: an
  // answer refuses the request (its body is then read and dropped, within
  // the limits, so the answer reaches a client still sending).
  std::function<std::optional<Response>(const Request&)> screen;
  // The answers the server makes itself (400, 408, 413, 431), in the
  // application's format. `request` has what was read of it (maybe
  // nothing). Unset: plain text.
  std::function<Response(const Request& request, int status,
                         const std::string& message)>
      error_response;
};

class Server {
 public:
  // Binds and starts serving. Errors: an address that cannot be parsed or
  // bound, the port in use ("port 8110 is in use (pid 1234?) ...").
  static Result<std::unique_ptr<Server>> Start(ServerOptions options);
  ~Server();  // Stops.

  int port() const;
  // Stops accepting, ends every event stream with its last chunk, closes
  // every connection and waits for handlers in flight. Idempotent.
  void Stop();
  // Connections open now (tests, /metrics).
  size_t open_connections() const;

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cc::http
