// Request and Response: what the program's HTTP servers (the dashboard, the
// OpenTelemetry receiver) see of HTTP/1.1, without the server library's
// types. A Request is complete (headers and a body within the server's
// limits) before a handler sees it; a Response is a whole answer, or the
// start of an open-ended event stream.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cc::http {

struct Header {
  std::string name;
  std::string value;
};

// Header names compare without case (RFC 9110 §5.1).
bool EqualsIgnoringCase(std::string_view a, std::string_view b);

struct Request {
  std::string method;  // "GET", as sent.
  std::string target;  // "/api/day?from=2025-09-01", as sent.
  std::string path;    // "/api/day", percent-decoded.
  std::vector<std::pair<std::string, std::string>> params;  // The query, decoded.
  std::vector<Header> headers;
  std::string body;

  // The first value of header `name` ("" when absent).
  std::string_view HeaderValue(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // Every value of header `name`, in order.
  std::vector<std::string_view> HeaderValues(std::string_view name) const;
  // The first value of query parameter `name`, or null.
  const std::string* Param(std::string_view name) const;
};

// Splits a target into its decoded path and query parameters ('+' is a
// space in the query; a malformed %-escape stays as sent).
void ParseTarget(std::string_view target, std::string* path,
                 std::vector<std::pair<std::string, std::string>>* params);

// An open-ended answer (server-sent events): chunks written as they come.
// Thread-safe; Send after the stream closed returns false and does nothing.
class EventStream {
 public:
  virtual ~EventStream() = default;
  virtual bool Send(std::string chunk) = 0;
  // Ends the stream with its last chunk; the connection then closes.
  virtual void Close() = 0;
  virtual bool closed() const = 0;
};

struct Response {
  int status = 200;
  std::string content_type;
  std::vector<Header> headers;
  std::string body;
  // Served instead of `body` when set: data that outlives the server
  // (the embedded files), sent without a copy.
  std::string_view static_body;
  bool close_connection = false;
  // When set, the answer is an event stream (chunked, no length): called
  // once its headers are sent, on a server thread, with the stream to
  // write to. `on_stream_close` runs once when it ends, however it ends.
  std::function<void(std::shared_ptr<EventStream>)> on_stream_open;
  std::function<void()> on_stream_close;

  void SetHeader(std::string name, std::string value);
  static Response Text(int status, std::string text);
};

}  // namespace cc::http
