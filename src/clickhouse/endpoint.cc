#include "clickhouse/endpoint.h"

#include <cctype>
#include <fstream>

namespace cc {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = HexDigit(s[i + 1]), lo = HexDigit(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool ValidDatabase(std::string_view db) {
  if (db.empty() || db.size() > 128) return false;
  for (char c : db) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  }
  return true;
}

Status Bad(const std::string& why) {
  return Status::InvalidArgument(
      "--clickhouse: " + why +
      " (expected http(s)://[user[:password]@]host[:port]/database)");
}

}  // namespace

std::string ClickHouseEndpoint::BaseUrl() const {
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(tls ? "https://" : "http://") + (v6 ? "[" : "") + host +
         (v6 ? "]" : "") + ":" + std::to_string(port) + "/";
}

std::string ClickHouseEndpoint::Redacted() const {
  std::string base = BaseUrl();
  const size_t after_scheme = base.find("://") + 3;
  base.insert(after_scheme, user + (password.empty() ? "" : ":***") + "@");
  return base + database;
}

Result<ClickHouseEndpoint> ParseClickHouseUrl(std::string_view url) {
  ClickHouseEndpoint e;
  std::string_view rest = url;
  if (rest.rfind("https://", 0) == 0) {
    e.tls = true;
    rest.remove_prefix(8);
  } else if (rest.rfind("http://", 0) == 0) {
    rest.remove_prefix(7);
  } else {
    return Bad("the scheme must be http:// or https://");
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (path.find_first_of("?#") != std::string_view::npos) {
    return Bad("no query string or fragment");
  }
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    const size_t colon = userinfo.find(':');
    std::optional<std::string> user = PercentDecode(userinfo.substr(0, colon));
    if (!user || user->empty()) return Bad("bad user name");
    e.user = *user;
    if (colon != std::string_view::npos) {
      std::optional<std::string> pw = PercentDecode(userinfo.substr(colon + 1));
      if (!pw) return Bad("bad percent-encoding in the password");
      e.password = *pw;
    }
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad("unclosed [ in the host");
    e.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Bad("junk after ]");
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos)
      port_text = authority.substr(colon + 1);
  }
  if (e.host.empty()) return Bad("no host");
  e.port = e.tls ? 8443 : 8123;
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return Bad("bad port");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return Bad("bad port");
    e.port = port;
  }
  if (!path.empty()) {
    if (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (!ValidDatabase(path)) {
      return Bad("the database name may hold letters, digits and _ only");
    }
    e.database = std::string(path);
  }
  return e;
}

Status ResolvePassword(ClickHouseEndpoint* endpoint,
                       std::optional<std::string> env_password,
                       std::optional<std::string> password_file) {
  if (!endpoint->password.empty()) return Status::Ok();
  if (env_password) {
    endpoint->password = *env_password;
    return Status::Ok();
  }
  if (!password_file) return Status::Ok();
  std::ifstream in(*password_file);
  if (!in) {
    return Status::InvalidArgument("--clickhouse-password-file: cannot read " +
                                   *password_file);
  }
  std::getline(in, endpoint->password);
  if (!endpoint->password.empty() && endpoint->password.back() == '\r') {
    endpoint->password.pop_back();
  }
  return Status::Ok();
}

}  // namespace cc
