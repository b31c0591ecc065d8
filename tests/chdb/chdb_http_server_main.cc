// chdb_http_server: ChdbHttpServer as a process, for the end-to-end tests
// of the real binary (tests/e2e/clickhouse_test.py).
//
//   chdb_http_server USER PASSWORD
//
// Prints the port, then serves until stdin closes. SIGUSR1 takes it down
// (connections refused), SIGUSR2 brings it back on the same port, with its
// data intact.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "chdb/chdb_http_server.h"

namespace {
std::atomic<int> wanted{0};  // 1: down, 2: up.
void OnSignal(int sig) { wanted = sig == SIGUSR1 ? 1 : 2; }
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: chdb_http_server USER PASSWORD\n");
    return 2;
  }
  std::string why;
  cc::test::ChdbSession* session = cc::test::ChdbSession::Get(&why);
  if (session == nullptr) {
    std::fprintf(stderr, "chdb_http_server: %s\n", why.c_str());
    _exit(3);
  }
  cc::test::ChdbHttpServer server(session, argv[1], argv[2]);
  std::printf("%d\n", server.port());
  std::fflush(stdout);
  signal(SIGUSR1, OnSignal);
  signal(SIGUSR2, OnSignal);
  std::atomic<bool> stdin_open{true};
  std::thread reader([&] {
    char c;
    while (read(0, &c, 1) > 0) {
    }
    stdin_open = false;
  });
  while (stdin_open) {
    if (int w = wanted.exchange(0); w == 1)
      server.Down();
    else if (w == 2)
      server.Up();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server.Down();
  reader.join();
  std::fflush(stdout);
  _exit(0);
}
