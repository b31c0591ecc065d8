// The dashboard's token and where it came from.
//
//   --auth-token TOKEN      visible in /proc/PID/cmdline (ps) to every
//                           local user: for tries, not for services;
//   --auth-token-file PATH  the file's bytes, less one trailing newline;
//   $CONTEXT_CLEANER_AUTH_TOKEN (older name, still read:
//   $CONTEXT_CLEANER_DASHBOARD_TOKEN).
//
// Precedence: a flag beats the environment (which a service or a shell
// profile may set for every run), the new variable beats the old name.
// The two flags together are a usage error: one would be ignored silently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cc::cli {

inline constexpr const char* kAuthTokenEnv = "CONTEXT_CLEANER_AUTH_TOKEN";
inline constexpr const char* kLegacyAuthTokenEnv =
    "CONTEXT_CLEANER_DASHBOARD_TOKEN";
inline constexpr size_t kMinAuthTokenChars = 16;

struct AuthTokenInputs {
  std::optional<std::string> flag;        // --auth-token
  std::optional<std::string> file;        // --auth-token-file
  std::optional<std::string> env;         // $CONTEXT_CLEANER_AUTH_TOKEN
  std::optional<std::string> legacy_env;  // $CONTEXT_CLEANER_DASHBOARD_TOKEN
};

struct AuthToken {
  std::string token;   // Empty: none given (loopback only).
  std::string source;  // "--auth-token-file /p", "$CONTEXT_CLEANER_AUTH_TOKEN".
  std::vector<std::string> warnings;  // For stderr; never hold the token.
};

// The inputs from the process's environment (empty variables: unset).
AuthTokenInputs AuthTokenInputsFromEnvironment(std::optional<std::string> flag,
                                               std::optional<std::string> file);

// Picks the token (see above). InvalidArgument naming the source for: both
// flags; a file that cannot be read, is empty, holds more than one line or
// more than 4 KiB; a token shorter than kMinAuthTokenChars. A regular file
// readable by group or others is used, with a warning.
Result<AuthToken> ResolveAuthToken(const AuthTokenInputs& in);

}  // namespace cc::cli
