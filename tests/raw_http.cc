#include "raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace cc::test {

int SendRaw(int port, const std::string& request, int read_timeout_s) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{read_timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = write(fd, request.data() + sent, request.size() - sent);
    if (n <= 0) break;  // The server closed: its answer may still be readable.
    sent += static_cast<size_t>(n);
  }
  return fd;
}

std::string RawHttp(int port, const std::string& request) {
  const int fd = SendRaw(port, request);
  if (fd < 0) return "(connect failed)";
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

std::string Get(int port, const std::string& target, const std::string& extra_headers,
                const std::string& host) {
  return RawHttp(port, "GET " + target + " HTTP/1.1\r\nHost: " + host +
                           "\r\nConnection: close\r\n" + extra_headers + "\r\n");
}

int StatusOf(const std::string& answer) {
  return answer.size() > 12 ? std::atoi(answer.c_str() + 9) : 0;
}

std::string HeaderOf(const std::string& answer, const std::string& name) {
  const size_t at = answer.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const size_t start = at + 4 + name.size();
  return answer.substr(start, answer.find("\r\n", start) - start);
}

std::string BodyOf(const std::string& answer) {
  const size_t at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

bool ReadUntil(int fd, const std::string& what, std::string* got) {
  std::string local;
  std::string& text = got != nullptr ? *got : local;
  char buf[4096];
  while (text.find(what) == std::string::npos) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    text.append(buf, static_cast<size_t>(n));
  }
  return true;
}

bool ClosedByPeer(int fd) {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

const HostCase kHostCases[] = {
    {"127.0.0.1", true},
    {"127.0.0.1:4318", true},
    {"localhost", true},
    {"LOCALHOST:8110", true},
    {"[::1]:8110", true},
    {"127.8.9.10:80", true},
    {"evil.example", false},
    {"evil.example:4318", false},
    {"127.0.0.1.evil.example", false},
    {"localhost.evil.example:8110", false},
    {"10.0.0.1", false},
    {"[::1", false},
    {"", false},
};
const size_t kHostCaseCount = sizeof kHostCases / sizeof kHostCases[0];

}  // namespace cc::test
