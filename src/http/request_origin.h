// Where a request comes from, as its Host and Origin headers tell: the
// rule both listening ports apply against DNS rebinding and browser pages.
//
// A web page the user visits can make the browser send requests to
// 127.0.0.1, and a name it controls can resolve to 127.0.0.1 (DNS
// rebinding). Such a request carries the page's name as Host, and a
// browser adds an Origin to cross-origin requests (and to every POST).
// Claude Code's exporter and curl send neither a foreign Host nor an Origin.
#pragma once

#include <string>

#include "http/message.h"

namespace cc::http {

struct OriginRule {
  // The Host header must name loopback (IsLoopbackHost): set when bound
  // to loopback without a token.
  bool loopback_host_only = true;
  // An Origin equal to the request's own ("http://" + Host) may pass:
  // the dashboard's page fetching from its own server. Unset: any Origin
  // is refused (the receiver: no page of ours posts telemetry).
  bool same_origin_allowed = false;
};

// Why the request must be refused (403), or "" when it may be answered.
std::string ForeignRequestReason(const Request& request, const OriginRule& rule);

}  // namespace cc::http
