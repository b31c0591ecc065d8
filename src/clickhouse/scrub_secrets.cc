#include "clickhouse/scrub_secrets.h"

#include <algorithm>
#include <cctype>

#include "clickhouse/http_client.h"

namespace cc {
namespace {

constexpr std::string_view kSecretHeaders[] = {"x-clickhouse-key",
                                               "authorization"};

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

void Mark(std::vector<bool>& mask, size_t from, size_t to) {
  std::fill(mask.begin() + static_cast<std::ptrdiff_t>(from),
            mask.begin() + static_cast<std::ptrdiff_t>(to), true);
}

void MarkLiteral(std::string_view text, std::string_view secret,
                 std::vector<bool>& mask) {
  if (secret.empty()) return;
  for (size_t at = text.find(secret); at != std::string_view::npos;
       at = text.find(secret, at + 1)) {
    Mark(mask, at, at + secret.size());
  }
}

// "X-ClickHouse-Key: value", "\"authorization\": \"Basic ...\"": the value
// to the end of its line.
void MarkHeaderValues(std::string_view text, std::vector<bool>& mask) {
  const std::string lower = Lower(text);
  for (std::string_view name : kSecretHeaders) {
    for (size_t at = lower.find(name); at != std::string::npos;
         at = lower.find(name, at + 1)) {
      size_t i = at + name.size();
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t' ||
                                 text[i] == '"' || text[i] == '\'')) {
        ++i;
      }
      if (i == text.size() || (text[i] != ':' && text[i] != '=')) continue;
      ++i;
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
      const size_t end = std::min(text.find_first_of("\r\n", i), text.size());
      Mark(mask, i, end);
    }
  }
}

// "scheme://user:password@host": the password.
void MarkUrlPasswords(std::string_view text, std::vector<bool>& mask) {
  for (size_t at = text.find("://"); at != std::string_view::npos;
       at = text.find("://", at + 3)) {
    const size_t start = at + 3;
    const size_t end =
        std::min(text.find_first_of("/?# \t\r\n\"'<>", start), text.size());
    std::string_view authority = text.substr(start, end - start);
    const size_t userinfo_end = authority.rfind('@');
    if (userinfo_end == std::string_view::npos) continue;
    const size_t colon = authority.substr(0, userinfo_end).find(':');
    if (colon == std::string_view::npos) continue;
    // "user:***@": ClickHouseEndpoint::Redacted(), already safe.
    if (authority.substr(colon + 1, userinfo_end - colon - 1) == "***") {
      continue;
    }
    Mark(mask, start + colon + 1, start + userinfo_end);
  }
}

}  // namespace

std::string ScrubSecrets(std::string_view text,
                         const std::vector<std::string_view>& secrets) {
  std::vector<bool> mask(text.size(), false);
  for (std::string_view secret : secrets) {
    MarkLiteral(text, secret, mask);
    MarkLiteral(text, UrlEncode(secret), mask);
  }
  MarkHeaderValues(text, mask);
  MarkUrlPasswords(text, mask);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (!mask[i]) {
      out.push_back(text[i]);
    } else if (i == 0 || !mask[i - 1]) {
      out.append(kRedacted);
    }
  }
  return out;
}

std::string ScrubSecrets(std::string_view text,
                         const ClickHouseEndpoint& endpoint) {
  return ScrubSecrets(text, std::vector<std::string_view>{endpoint.password});
}

}  // namespace cc
