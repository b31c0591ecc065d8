#include "daemon/stop_signal.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace cc {
namespace {

std::atomic<bool> g_stop{false};
int g_pipe[2] = {-1, -1};
struct sigaction g_old_int, g_old_term;

void OnSignal(int) {
  g_stop.store(true);
  char byte = 1;
  ssize_t ignored = write(g_pipe[1], &byte, 1);  // Async-signal-safe.
  (void)ignored;
}

}  // namespace

StopSignal::StopSignal() {
  g_stop.store(false);
  if (pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC) != 0) g_pipe[0] = g_pipe[1] = -1;
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

StopSignal::~StopSignal() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  close(g_pipe[0]);
  close(g_pipe[1]);
}

int StopSignal::fd() const { return g_pipe[0]; }
bool StopSignal::requested() const { return g_stop.load(); }
const std::atomic<bool>& StopSignal::flag() const { return g_stop; }
void StopSignal::Request() { OnSignal(0); }

void StopSignal::Rearm() {
  char bytes[64];
  while (read(g_pipe[0], bytes, sizeof bytes) > 0) {
  }
  g_stop.store(false);
}

}  // namespace cc
