// What the program's two HTTP servers (the dashboard, the OpenTelemetry
// receiver) share about where they listen.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace cc {

// Whether `host` names this machine's loopback interface: an address in
// 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z), or the name "localhost"
// (any case). Takes a bind address ("127.0.0.1", "::1") or an HTTP Host
// header ("localhost:8110", "[::1]:8110"): a port and IPv6 brackets are
// stripped first. Addresses are parsed (inet_pton), not matched by prefix:
// "127.0.0.1.evil.example" and "127.evil.example" are names any DNS server
// may point anywhere, so they are not loopback.
bool IsLoopbackHost(std::string_view host);

// Binds `server` (a cpp-httplib Server) to host:port, or to any free port
// when port is 0. Returns the port; an error names `flag`, the option that
// would choose another.
template <typename Server>
Result<int> BindListener(Server& server, const std::string& host, int port,
                         const std::string& flag) {
  if (port == 0) {
    const int bound = server.bind_to_any_port(host);
    if (bound <= 0) return Status::IoError("cannot listen on " + host);
    return bound;
  }
  if (!server.bind_to_port(host, port)) {
    return Status::IoError("cannot listen on " + host + ":" + std::to_string(port) +
                           " (in use? choose another with " + flag + ")");
  }
  return port;
}

}  // namespace cc
