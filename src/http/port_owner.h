// Who listens on a TCP port: read from /proc (net/tcp, net/tcp6, then each
// process's open sockets), so that "port in use" can name the holder.
#pragma once

#include <string>

#include "core/status.h"

namespace cc::http {

// The error for a `port` another listener holds: "port 8110 is in use
// (pid 1234?): choose another with --port". The pid is named when it can
// be seen (only processes whose /proc/PID/fd this user may read are
// found); the option when `port_flag` is not empty.
Status PortInUse(int port, const std::string& port_flag);

}  // namespace cc::http
