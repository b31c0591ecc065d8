// ScrubSecrets: error texts made safe to print, store and serve.
//
// A ClickHouse server, or a proxy in front of it, may echo the request in
// its error answer: its headers (X-ClickHouse-Key: <password>), its URL.
// Every error text the clickhouse module builds from a server's answer or
// a transport failure goes through here before it reaches stderr,
// sync-status, the ledger's last error or the dashboard's /api/health.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "clickhouse/endpoint.h"

namespace cc {

inline constexpr std::string_view kRedacted = "[redacted]";

// `text` with kRedacted in place of:
//  - each non-empty string of `secrets` wherever it appears, as is or
//    percent-encoded (a short password costs the text some readability,
//    never its secrecy);
//  - the rest of the line after a header name X-ClickHouse-Key or
//    Authorization (any case; Proxy-Authorization too) followed by ':' or
//    '=' (spaces and quotes may come between, as in a JSON echo);
//  - the password of a URL's userinfo ("https://user:password@host").
// Overlapping or adjacent matches become one kRedacted. Pure; thread-safe.
std::string ScrubSecrets(std::string_view text,
                         const std::vector<std::string_view>& secrets);

// The endpoint's password is the secret.
std::string ScrubSecrets(std::string_view text,
                         const ClickHouseEndpoint& endpoint);

}  // namespace cc
