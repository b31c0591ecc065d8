// Who listens on a TCP port: read from /proc (net/tcp, net/tcp6, then each
// process's open sockets), so that "port in use" can name the holder.
#pragma once

#include <optional>

namespace cc::http {

// The pid of a process listening on `port` (any address), if one can be
// seen: only processes whose /proc/PID/fd this user may read are found.
std::optional<int> ListeningProcess(int port);

}  // namespace cc::http
