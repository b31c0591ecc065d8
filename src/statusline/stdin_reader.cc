#include "statusline/stdin_reader.h"

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cc {

int64_t MonotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool HoldsCompleteObject(const std::string& text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  bool started = false;
  for (char c : text) {
    if (!started) {
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
      if (c != '{') return false;  // Not an object: EOF or the deadline decides.
      started = true;
      depth = 1;
      continue;
    }
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return true;
    }
  }
  return false;
}

StdinRead ReadStatuslineStdin(int fd, size_t max_bytes, int64_t deadline_ns) {
  StdinRead out;
  if (isatty(fd) == 1) {
    out.eof = true;
    return out;
  }
  char buf[16384];
  // The brace scan restarts from the beginning on each chunk; Claude Code's
  // object is a few KiB, so that is a few microseconds.
  while (true) {
    const int64_t left_ns = deadline_ns - MonotonicNs();
    if (left_ns <= 0) {
      out.timed_out = true;
      return out;
    }
    pollfd p{fd, POLLIN, 0};
    const int wait_ms = static_cast<int>((left_ns + 999'999) / 1'000'000);
    const int ready = poll(&p, 1, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      out.error = std::strerror(errno);
      return out;
    }
    if (ready == 0) continue;  // The loop's top sees the deadline.
    const size_t room = max_bytes - out.text.size();
    // One byte beyond the bound tells "exactly full" from "too big".
    const size_t want = room + 1 < sizeof buf ? room + 1 : sizeof buf;
    const ssize_t n = read(fd, buf, want);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      out.error = std::strerror(errno);
      return out;
    }
    if (n == 0) {
      out.eof = true;
      out.complete = HoldsCompleteObject(out.text);
      return out;
    }
    const size_t got = static_cast<size_t>(n);
    if (got > room) {
      out.text.append(buf, room);
      out.too_big = true;
      return out;
    }
    out.text.append(buf, got);
    if (HoldsCompleteObject(out.text)) {
      out.complete = true;
      return out;
    }
  }
}

}  // namespace cc
