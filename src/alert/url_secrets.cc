#include "alert/url_secrets.h"

#include <algorithm>
#include <cctype>

#include "clickhouse/scrub_secrets.h"

namespace cc {
namespace {

struct UrlParts {
  std::string_view scheme;    // "https://"; "" if `url` is not a URL.
  std::string_view userinfo;  // "user:password" (without '@').
  std::string_view host;      // "host:port".
  std::string_view rest;      // From the first '/', '?' or '#' on.
};

UrlParts Split(std::string_view url) {
  UrlParts p;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return p;
  const size_t authority = scheme_end + 3;
  const size_t rest =
      std::min(url.find_first_of("/?#", authority), url.size());
  p.scheme = url.substr(0, authority);
  p.host = url.substr(authority, rest - authority);
  p.rest = url.substr(rest);
  if (const size_t at = p.host.rfind('@'); at != std::string_view::npos) {
    p.userinfo = p.host.substr(0, at);
    p.host = p.host.substr(at + 1);
  }
  return p;
}

}  // namespace

std::string RedactedUrl(std::string_view url) {
  const UrlParts p = Split(url);
  if (p.scheme.empty()) return std::string(kRedacted);
  std::string out(p.scheme);
  out.append(p.host);
  if (!p.rest.empty() && p.rest != "/") out.append("/").append(kRedacted);
  return out;
}

std::vector<std::string> UrlSecrets(std::string_view url) {
  std::vector<std::string> secrets;
  auto add = [&secrets](std::string_view s) {
    if (!s.empty()) secrets.emplace_back(s);
  };
  add(url);
  const UrlParts p = Split(url);
  if (p.scheme.empty()) return secrets;
  add(p.userinfo);
  if (const size_t colon = p.userinfo.find(':');
      colon != std::string_view::npos) {
    add(p.userinfo.substr(colon + 1));
  }
  if (p.rest.size() > 1) add(p.rest);
  const size_t query = p.rest.find('?');
  if (query != std::string_view::npos) add(p.rest.substr(query + 1));
  const std::string_view path = p.rest.substr(0, std::min(query, p.rest.find('#')));
  for (size_t start = 0; start < path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    // Short segments ("api", "v1") are words, not secrets, and would cost
    // every message that holds them.
    if (end - start >= 4) add(path.substr(start, end - start));
    start = end + 1;
  }
  return secrets;
}

std::string ScrubUrlSecrets(std::string_view text, std::string_view url) {
  const std::vector<std::string> secrets = UrlSecrets(url);
  std::vector<std::string_view> views(secrets.begin(), secrets.end());
  return ScrubSecrets(text, views);
}

std::string ScrubSecretsOfUrlsIn(std::string_view text,
                                 std::string_view holder) {
  std::vector<std::string> secrets;
  for (size_t at = holder.find("://"); at != std::string_view::npos;
       at = holder.find("://", at + 3)) {
    size_t start = at;
    while (start > 0 && std::isalnum(static_cast<unsigned char>(holder[start - 1]))) {
      --start;
    }
    const size_t end =
        std::min(holder.find_first_of(" \t\r\n\"'<>`", at), holder.size());
    const std::vector<std::string> more =
        UrlSecrets(holder.substr(start, end - start));
    secrets.insert(secrets.end(), more.begin(), more.end());
  }
  std::vector<std::string_view> views(secrets.begin(), secrets.end());
  return ScrubSecrets(text, views);
}

}  // namespace cc
