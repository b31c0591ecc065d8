// ClickHouseEndpoint: where a team's ClickHouse is and how to log in, from
// `--clickhouse URL` (or CONTEXT_CLEANER_CLICKHOUSE, or the config file):
//
//   http(s)://[user[:password]@]host[:port]/database
//
// The password may also come from CLICKHOUSE_PASSWORD or a file; it is
// never printed: Redacted() is what messages and logs show.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cc {

struct ClickHouseEndpoint {
  bool tls = false;
  std::string host;  // A name, an IPv4 address, or an IPv6 address (no []).
  int port = 0;
  std::string database = "default";
  std::string user = "default";
  std::string password;  // Secret.
  std::string ca_file;   // Extra CA bundle for TLS (--clickhouse-ca).

  // "https://host:8443/" (an IPv6 host in brackets); no credentials.
  std::string BaseUrl() const;
  // "https://user:***@host:8443/db": safe to print.
  std::string Redacted() const;
};

// Parses the URL; user and password are percent-decoded. Default ports:
// 8123 (http), 8443 (https). Errors name the flag and never echo the
// password.
Result<ClickHouseEndpoint> ParseClickHouseUrl(std::string_view url);

// Where a password not in the URL comes from: CLICKHOUSE_PASSWORD, else the
// first line of `password_file` (when given).
Status ResolvePassword(ClickHouseEndpoint* endpoint,
                       std::optional<std::string> env_password,
                       std::optional<std::string> password_file);

}  // namespace cc
