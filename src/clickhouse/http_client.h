// HttpClient: the seam between the shipper and the network. CurlHttpClient
// is the real one (libcurl: one connection kept alive, TLS with certificate
// checks, compressed request bodies); tests may put a fake behind the same
// interface, in addition to tests against a real server.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clickhouse/body_compression.h"
#include "core/result.h"

namespace cc {

struct HttpRequest {
  std::string url;  // Complete, with its query string.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // Not owned: must outlive the Post.
  // Compressed by the client, with its Content-Encoding header.
  BodyEncoding encoding = BodyEncoding::kIdentity;
  long timeout_ms = 30'000;
  long connect_timeout_ms = 5'000;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // Names in lower case.
  std::string body;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A response of any status is a value; only a failure to get one
  // (refused, timed out, TLS, DNS) is an error, with the transport's words.
  virtual Result<HttpResponse> Post(const HttpRequest& request) = 0;
};

struct CurlOptions {
  std::string ca_file;  // Extra CA bundle; the system's otherwise.
};

Result<std::unique_ptr<HttpClient>> MakeCurlHttpClient(
    const CurlOptions& options);

// "a b&c" -> "a%20b%26c".
std::string UrlEncode(std::string_view text);

}  // namespace cc
