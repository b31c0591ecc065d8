// CurlHttpClient: HttpClient over libcurl. curl.h stays in this file.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "clickhouse/http_client.h"
#include "clickhouse/scrub_secrets.h"

namespace cc {
namespace {

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* out) {
  std::string_view line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
      return static_cast<char>(std::tolower(c));
    });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) {
      value.remove_suffix(1);
    }
    (*static_cast<std::map<std::string, std::string>*>(out))[name] =
        std::string(value);
  }
  return size * count;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// What a request carries that no error text may show.
std::vector<std::string_view> SecretsOf(const HttpRequest& request) {
  std::vector<std::string_view> secrets;
  for (const auto& [name, value] : request.headers) {
    if (EqualsIgnoringCase(name, "X-ClickHouse-Key") ||
        EqualsIgnoringCase(name, "Authorization")) {
      secrets.push_back(value);
    }
  }
  return secrets;
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(CURL* curl, CurlOptions options)
      : curl_(curl), options_(std::move(options)) {}
  ~CurlHttpClient() override { curl_easy_cleanup(curl_); }

  Result<HttpResponse> Post(const HttpRequest& request) override {
    std::string packed;
    std::string_view body = request.body;
    if (request.encoding != BodyEncoding::kIdentity) {
      Result<std::string> c = CompressBody(request.body, request.encoding);
      if (!c.ok()) return c.status();
      packed = std::move(*c);
      body = packed;
    }
    // The handle keeps its connection between requests (keep-alive); the
    // options are set afresh each time.
    curl_easy_reset(curl_);
    curl_slist* headers = nullptr;
    bool has_type = false;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
      has_type = has_type || EqualsIgnoringCase(name, "Content-Type");
    }
    // libcurl would say application/x-www-form-urlencoded, which servers may
    // parse (and limit) as a form.
    if (!has_type) {
      headers =
          curl_slist_append(headers, "Content-Type: text/plain; charset=utf-8");
    }
    if (request.encoding != BodyEncoding::kIdentity) {
      headers = curl_slist_append(
          headers, (std::string("Content-Encoding: ") +
                    ContentEncodingName(request.encoding))
                       .c_str());
    }
    headers = curl_slist_append(headers, "Expect:");  // No 100-continue wait.
    HttpResponse response;
    curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, request.timeout_ms);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                     request.connect_timeout_ms);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    // No Accept-Encoding: ClickHouse answers uncompressed unless asked
    // (enable_http_compression), and compressing a large answer on the
    // server costs more than sending it.
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) {
      curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.ca_file.c_str());
    }
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &AppendBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &AppendHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response.headers);
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, detail);
    const CURLcode code = curl_easy_perform(curl_);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);
    curl_slist_free_all(headers);
    if (code != CURLE_OK) {
      // libcurl's detail may quote a URL or a proxy's words.
      std::string text = curl_easy_strerror(code);
      if (detail[0] != '\0') text.append(" (").append(detail).append(")");
      return Status::IoError(ScrubSecrets(text, SecretsOf(request)));
    }
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }

 private:
  CURL* curl_;
  CurlOptions options_;
};

}  // namespace

Result<std::unique_ptr<HttpClient>> MakeCurlHttpClient(
    const CurlOptions& options) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::IoError("libcurl: cannot initialise");
  return std::unique_ptr<HttpClient>(new CurlHttpClient(curl, options));
}

std::string UrlEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace cc
