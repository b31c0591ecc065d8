// What the program's two HTTP servers (the dashboard, the OpenTelemetry
// receiver) share about where they listen.
#pragma once

#include <string_view>

namespace cc {

// Whether `host` names this machine's loopback interface: an address in
// 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z), or the name "localhost"
// (any case). Takes a bind address ("127.0.0.1", "::1") or an HTTP Host
// header ("localhost:8110", "[::1]:8110"): a port and IPv6 brackets are
// stripped first. Addresses are parsed (inet_pton), not matched by prefix:
// "127.0.0.1.evil.example" and "127.evil.example" are names any DNS server
// may point anywhere, so they are not loopback.
bool IsLoopbackHost(std::string_view host);

}  // namespace cc
