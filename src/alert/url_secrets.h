// A webhook URL is a secret: Slack's /services/T…/B…/<secret>, Discord's
// /api/webhooks/<id>/<token>, a token in the query, a password in the
// userinfo. It is never printed, stored or served; what is shown instead
// is RedactedUrl, and every text a delivery failure brings back (libcurl's
// words, a receiver's answer echoing the request) passes ScrubUrlSecrets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cc {

// "https://hooks.slack.com/services/T0/B0/xyz?a=b" ->
// "https://hooks.slack.com/[redacted]": the scheme, host and port only
// (userinfo dropped). A URL without "scheme://" shows nothing of itself:
// "[redacted]".
std::string RedactedUrl(std::string_view url);

// The parts of `url` no text may show: the URL itself, everything after
// its host, its query, its userinfo and password, and each path segment
// of 4 bytes or more.
std::vector<std::string> UrlSecrets(std::string_view url);

// `text` with every secret of `url` replaced (clickhouse/scrub_secrets.h:
// as is or percent-encoded; secret headers; URL passwords).
std::string ScrubUrlSecrets(std::string_view text, std::string_view url);

// `text` with the secrets of every URL written in `holder` replaced: for
// what a command prints, when the command line holds a URL ("curl -d @-
// https://hooks.slack.com/services/...").
std::string ScrubSecretsOfUrlsIn(std::string_view text, std::string_view holder);

}  // namespace cc
