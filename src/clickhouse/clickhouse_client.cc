#include "clickhouse/clickhouse_client.h"

#include <cstdlib>

#include "clickhouse/scrub_secrets.h"

namespace cc {
namespace {

// Error codes worth waiting out (ClickHouse's ErrorCodes.cpp).
bool TransientCode(int code) {
  switch (code) {
    case 159:  // TIMEOUT_EXCEEDED
    case 164:  // READONLY (a replica catching up)
    case 202:  // TOO_MANY_SIMULTANEOUS_QUERIES
    case 209:  // SOCKET_TIMEOUT
    case 210:  // NETWORK_ERROR
    case 241:  // MEMORY_LIMIT_EXCEEDED
    case 242:  // TABLE_IS_READ_ONLY
    case 252:  // TOO_MANY_PARTS
    case 285:  // TOO_FEW_LIVE_REPLICAS
    case 319:  // UNKNOWN_STATUS_OF_INSERT
    case 999:  // KEEPER_EXCEPTION
      return true;
    default:
      return false;
  }
}

// Codes that mean the rows sent cannot be stored as they are.
bool DataCode(int code) {
  switch (code) {
    case 6:    // CANNOT_PARSE_TEXT
    case 26:   // CANNOT_PARSE_QUOTED_STRING
    case 27:   // CANNOT_PARSE_INPUT_ASSERTION_FAILED
    case 38:   // CANNOT_PARSE_DATE
    case 41:   // CANNOT_PARSE_DATETIME
    case 53:   // TYPE_MISMATCH
    case 69:   // ARGUMENT_OUT_OF_BOUND
    case 70:   // CANNOT_CONVERT_TYPE
    case 72:   // CANNOT_PARSE_NUMBER
    case 117:  // INCORRECT_DATA
    case 131:  // TOO_LARGE_STRING_SIZE
    case 321:  // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
      return true;
    default:
      return false;
  }
}

// Codes that need a person: login, grants, missing objects.
bool FatalCode(int code) {
  switch (code) {
    case 60:   // UNKNOWN_TABLE
    case 81:   // UNKNOWN_DATABASE
    case 192:  // UNKNOWN_USER
    case 193:  // WRONG_PASSWORD
    case 194:  // REQUIRED_PASSWORD
    case 497:  // ACCESS_DENIED
    case 516:  // AUTHENTICATION_FAILED
      return true;
    default:
      return false;
  }
}

// "Code: 252. DB::Exception: ..." -> 252; 0 if the text has none.
int CodeInText(std::string_view text) {
  const size_t at = text.rfind("Code: ");
  if (at == std::string_view::npos) return 0;
  if (text.find("DB::Exception", at) == std::string_view::npos) return 0;
  return std::atoi(std::string(text.substr(at + 6, 8)).c_str());
}

std::string Trimmed(std::string text, size_t limit) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

}  // namespace

ClickHouseError::Kind ClassifyClickHouseError(long http_status, int code) {
  if (FatalCode(code)) return ClickHouseError::Kind::kFatal;
  if (TransientCode(code)) return ClickHouseError::Kind::kRetry;
  if (DataCode(code)) return ClickHouseError::Kind::kBadData;
  if (http_status == 0 || http_status >= 500 || http_status == 408 ||
      http_status == 429) {
    return ClickHouseError::Kind::kRetry;
  }
  if (http_status == 400) return ClickHouseError::Kind::kBadData;
  if (http_status >= 401 && http_status < 500) {
    return ClickHouseError::Kind::kFatal;
  }
  // An exception inside a 200 with an unknown code: not a success; wait
  // and try again rather than drop anything.
  return ClickHouseError::Kind::kRetry;
}

const char* ToString(ClickHouseError::Kind kind) {
  switch (kind) {
    case ClickHouseError::Kind::kRetry:
      return "retry";
    case ClickHouseError::Kind::kBadData:
      return "bad data";
    case ClickHouseError::Kind::kFatal:
      return "stopped";
  }
  return "?";
}

ClickHouseClient::ClickHouseClient(ClickHouseEndpoint endpoint,
                                   HttpClient& http)
    : endpoint_(std::move(endpoint)), http_(http) {}

ClickHouseReply ClickHouseClient::Execute(
    std::string_view sql, std::string_view data,
    const std::map<std::string, std::string>& settings, long timeout_ms) {
  HttpRequest req;
  req.url = endpoint_.BaseUrl() + "?database=" + UrlEncode(endpoint_.database);
  // The server buffers the answer, so an error still gets its HTTP status.
  req.url += "&wait_end_of_query=1";
  for (const auto& [name, value] : settings) {
    // Appended piece by piece: g++ 12 -O2 warns falsely (-Wrestrict) on
    // `"literal" + std::string`.
    req.url.append("&")
        .append(UrlEncode(name))
        .append("=")
        .append(UrlEncode(value));
  }
  if (data.empty()) {
    req.body = sql;
  } else {
    req.url.append("&query=").append(UrlEncode(sql));
    req.body = data;
    req.encoding = body_encoding_;
  }
  req.headers = {{"X-ClickHouse-User", endpoint_.user}};
  if (!endpoint_.password.empty()) {
    req.headers.emplace_back("X-ClickHouse-Key", endpoint_.password);
  }
  req.timeout_ms = timeout_ms;
  ClickHouseReply reply;
  Result<HttpResponse> res = http_.Post(req);
  if (!res.ok()) {
    reply.error =
        ClickHouseError{ClickHouseError::Kind::kRetry, 0, 0,
                        endpoint_.Redacted() + ": " +
                            ScrubSecrets(res.status().message(), endpoint_)};
    return reply;
  }
  int code = 0;
  if (auto h = res->headers.find("x-clickhouse-exception-code");
      h != res->headers.end()) {
    code = std::atoi(h->second.c_str());
  }
  if (code == 0) code = CodeInText(res->body);
  if (res->status == 200 && code == 0) {
    reply.ok = true;
    reply.body = std::move(res->body);
    return reply;
  }
  // A server or proxy may echo the request, X-ClickHouse-Key and all:
  // scrubbed before anything is cut, so no prefix of the password stays.
  reply.body = ScrubSecrets(res->body, endpoint_);
  reply.error.http_status = res->status;
  reply.error.code = code;
  // An exception inside a 200 is classified by its code alone.
  reply.error.kind =
      ClassifyClickHouseError(res->status == 200 ? 0 : res->status, code);
  reply.error.message = "HTTP " + std::to_string(res->status) +
                        (code != 0 ? ", code " + std::to_string(code) : "") +
                        ": " + Trimmed(reply.body, 400);
  return reply;
}

Result<ClickHouseConnection> ConnectClickHouse(
    const ClickHouseEndpoint& endpoint) {
  Result<std::unique_ptr<HttpClient>> http =
      MakeCurlHttpClient(CurlOptions{endpoint.ca_file});
  if (!http.ok()) return http.status();
  ClickHouseConnection c;
  c.http = std::move(*http);
  c.client = std::make_unique<ClickHouseClient>(endpoint, *c.http);
  return c;
}

}  // namespace cc
