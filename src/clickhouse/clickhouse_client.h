// ClickHouseClient: one SQL statement over ClickHouse's HTTP interface,
// with the answer classified the way the shipper acts on it:
//
//   kRetry    - try again later: no connection, a timeout, 5xx, or a
//               transient server error (TOO_MANY_PARTS, memory, network);
//   kBadData  - the data is wrong (400, or a parse error): split the batch
//               to find the bad row;
//   kFatal    - nothing will work until a person acts: 401/403 (login,
//               grants), 404 (no such database or table), other 4xx.
//
// An exception ClickHouse reports inside a 200 response (the header
// X-ClickHouse-Exception-Code, or "Code: N. DB::Exception" at the end of
// the body) is a failure, never a success.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "clickhouse/endpoint.h"
#include "clickhouse/http_client.h"

namespace cc {

struct ClickHouseError {
  enum class Kind { kRetry, kBadData, kFatal };
  Kind kind = Kind::kRetry;
  long http_status = 0;  // 0: no response at all.
  int code = 0;          // ClickHouse's error code, when it gave one.
  // Never holds the password: scrubbed (ScrubSecrets) of it, of
  // X-ClickHouse-Key and Authorization values, and of URL passwords.
  std::string message;
};

struct ClickHouseReply {
  bool ok = false;
  std::string body;       // The result (ok) or the server's text, scrubbed.
  ClickHouseError error;  // When !ok.
};

class ClickHouseClient {
 public:
  // `http` must outlive the client.
  ClickHouseClient(ClickHouseEndpoint endpoint, HttpClient& http);

  // Runs `sql` in the endpoint's database. `data`, when not empty, is the
  // body after the statement (INSERT ... FORMAT RowBinary), sent compressed
  // (zstd unless set_body_encoding says otherwise).
  // `settings` go as URL parameters (insert_deduplication_token, ...).
  ClickHouseReply Execute(
      std::string_view sql, std::string_view data = {},
      const std::map<std::string, std::string>& settings = {},
      long timeout_ms = 30'000);

  const ClickHouseEndpoint& endpoint() const { return endpoint_; }
  void set_body_encoding(BodyEncoding e) { body_encoding_ = e; }

 private:
  ClickHouseEndpoint endpoint_;
  HttpClient& http_;
  BodyEncoding body_encoding_ = BodyEncoding::kZstd;
};

// A libcurl connection to `endpoint` (its CA file too) and the statement
// runner over it.
struct ClickHouseConnection {
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<ClickHouseClient> client;
};
Result<ClickHouseConnection> ConnectClickHouse(
    const ClickHouseEndpoint& endpoint);

// The classification alone (exposed for tests and logs).
ClickHouseError::Kind ClassifyClickHouseError(long http_status, int code);

const char* ToString(ClickHouseError::Kind kind);

}  // namespace cc
