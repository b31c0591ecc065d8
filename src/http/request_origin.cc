#include "http/request_origin.h"

#include "core/listen.h"

namespace cc::http {

std::string ForeignRequestReason(const Request& request, const OriginRule& rule) {
  const std::string_view host = request.HeaderValue("Host");
  if (rule.loopback_host_only && !IsLoopbackHost(host)) {
    return "Host " + std::string(host.empty() ? "(none)" : host) +
           " is not this machine's loopback: this port answers to localhost only";
  }
  if (!request.HasHeader("Origin")) return "";
  const std::string_view origin = request.HeaderValue("Origin");
  if (rule.same_origin_allowed && !host.empty() && origin == "http://" + std::string(host)) {
    return "";
  }
  return "requests from web pages (Origin " + std::string(origin) + ") are not served";
}

}  // namespace cc::http
