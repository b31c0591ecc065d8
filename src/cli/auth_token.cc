#include "cli/auth_token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace cc::cli {
namespace {

constexpr size_t kMaxTokenFileBytes = 4096;

std::optional<std::string> NonEmptyEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

// The file's bytes (at most kMaxTokenFileBytes + 1), and whether group or
// others may read it. Not only regular files: `<(pass show x)` is a pipe.
Result<std::string> ReadTokenFile(const std::string& path,
                                  bool* readable_by_others) {
  const std::string flag = "--auth-token-file " + path;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::InvalidArgument(flag +
                                   ": cannot read: " + std::strerror(errno));
  }
  struct stat st {};
  *readable_by_others = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                        (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
  std::string bytes;
  char buf[1024];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      return Status::InvalidArgument(flag +
                                     ": cannot read: " + std::strerror(err));
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<size_t>(n));
    if (bytes.size() > kMaxTokenFileBytes) break;
  }
  close(fd);
  return bytes;
}

Result<AuthToken> FromFile(const std::string& path) {
  const std::string flag = "--auth-token-file " + path;
  bool readable_by_others = false;
  Result<std::string> bytes = ReadTokenFile(path, &readable_by_others);
  if (!bytes.ok()) return bytes.status();
  std::string token = std::move(*bytes);
  if (token.size() > kMaxTokenFileBytes) {
    return Status::InvalidArgument(flag + ": more than 4 KiB, not a token");
  }
  if (!token.empty() && token.back() == '\n') token.pop_back();
  if (!token.empty() && token.back() == '\r') token.pop_back();
  if (token.empty()) return Status::InvalidArgument(flag + ": empty");
  if (token.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument(
        flag + ": more than one line (the token alone, please)");
  }
  AuthToken out{std::move(token), flag, {}};
  if (readable_by_others) {
    out.warnings.push_back(flag + ": readable by other users; chmod 600 it");
  }
  return out;
}

}  // namespace

AuthTokenInputs AuthTokenInputsFromEnvironment(
    std::optional<std::string> flag, std::optional<std::string> file) {
  return AuthTokenInputs{std::move(flag), std::move(file),
                         NonEmptyEnv(kAuthTokenEnv),
                         NonEmptyEnv(kLegacyAuthTokenEnv)};
}

Result<AuthToken> ResolveAuthToken(const AuthTokenInputs& in) {
  if (in.flag && in.file) {
    return Status::InvalidArgument(
        "--auth-token and --auth-token-file: give one of them");
  }
  AuthToken out;
  if (in.flag) {
    if (in.flag->empty()) return Status::InvalidArgument("--auth-token: empty");
    out = AuthToken{*in.flag, "--auth-token", {}};
  } else if (in.file) {
    Result<AuthToken> from_file = FromFile(*in.file);
    if (!from_file.ok()) return from_file.status();
    out = std::move(*from_file);
  } else if (in.env) {
    out = AuthToken{*in.env, std::string("$") + kAuthTokenEnv, {}};
  } else if (in.legacy_env) {
    out = AuthToken{*in.legacy_env, std::string("$") + kLegacyAuthTokenEnv, {}};
  }
  if (!out.token.empty() && out.token.size() < kMinAuthTokenChars) {
    return Status::InvalidArgument(
        out.source +
        ": use at least 16 characters (e.g. `openssl rand -hex 16`)");
  }
  return out;
}

}  // namespace cc::cli
