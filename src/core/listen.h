// What the program's two HTTP servers (the dashboard, the OpenTelemetry
// receiver) share about where they listen.
#pragma once

#include <string>

#include "core/result.h"

namespace cc {

// 127.0.0.0/8, ::1 and "localhost".
inline bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

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
