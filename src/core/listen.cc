#include "core/listen.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace cc {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// "[::1]:8110" -> "::1"; "localhost:8110" -> "localhost"; "::1" stays (a
// bare IPv6 address has more than one colon, so nothing is a port).
// Returns "" for a malformed form ("[::1", "[::1]x", "host:").
std::string_view StripPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    const size_t end = host.find(']');
    if (end == std::string_view::npos) return {};
    const std::string_view rest = host.substr(end + 1);
    if (!rest.empty() && !(rest.front() == ':' && AllDigits(rest.substr(1)))) {
      return {};
    }
    return host.substr(1, end - 1);
  }
  const size_t colon = host.find(':');
  if (colon == std::string_view::npos ||
      host.find(':', colon + 1) != host.npos) {
    return host;
  }
  return AllDigits(host.substr(colon + 1)) ? host.substr(0, colon)
                                           : std::string_view();
}

bool IsLocalhostName(std::string_view name) {
  constexpr std::string_view kName = "localhost";
  return name.size() == kName.size() &&
         std::equal(name.begin(), name.end(), kName.begin(),
                    [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) == b;
                    });
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  const std::string_view name = StripPort(host);
  if (name.empty() || name.size() > INET6_ADDRSTRLEN) return false;
  if (IsLocalhostName(name)) return true;
  const std::string text(name);  // inet_pton wants a terminated string.
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

}  // namespace cc
