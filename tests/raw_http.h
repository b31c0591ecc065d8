// HTTP over raw loopback sockets, for tests of the program's servers that
// must send what no well-behaved client would (floods, slow bytes,
// malformed ranges, foreign Hosts).
#pragma once

#include <string>

namespace cc::test {

// A connection to 127.0.0.1:port that has sent `request` (-1 if it
// cannot connect). Reads on it time out after `read_timeout_s`.
int SendRaw(int port, const std::string& request, int read_timeout_s = 10);

// Sends `request` as is and returns the whole answer (to the server's
// close, or the read timeout).
std::string RawHttp(int port, const std::string& request);

// A GET with Connection: close, Host `host`, and extra header lines
// ("Name: value\r\n" each).
std::string Get(int port, const std::string& target,
                const std::string& extra_headers = "",
                const std::string& host = "127.0.0.1");

int StatusOf(const std::string& answer);  // 0 when there is none.
// A header's value in an answer ("" if absent); the name as the server
// spells it.
std::string HeaderOf(const std::string& answer, const std::string& name);
std::string BodyOf(const std::string& answer);

// Reads from `fd` into *got until it holds `what`; false on timeout or EOF.
bool ReadUntil(int fd, const std::string& what, std::string* got = nullptr);

// Whether the server closed `fd` (a read returns 0 or fails other than by
// timing out) within the socket's read timeout, reading what comes first.
bool ClosedByPeer(int fd);

// The hosts both listening ports are tested with: a Host header and
// whether a loopback-bound server without a token answers it.
struct HostCase {
  const char* host;
  bool answered;
};
extern const HostCase kHostCases[];
extern const size_t kHostCaseCount;

}  // namespace cc::test
