// ReadStatuslineStdin: Claude Code's JSON from a file descriptor, bounded in
// size and in time.
//
// Claude Code writes one JSON object and (usually) closes stdin, but stdin
// has at times been left open without EOF, and a statusline that waits
// blanks the row. So reading stops at whichever comes first: EOF, a
// complete top-level JSON object (braces balanced outside strings), the
// size bound (the rest is not read), or the deadline (poll(2), never a
// blocking read). Pure I/O: the JSON is parsed by statusline_input.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace cc {

struct StdinRead {
  std::string text;
  bool complete = false;   // A whole JSON object was read.
  bool eof = false;        // The writer closed its end.
  bool too_big = false;    // More than the bound: the rest was not read.
  bool timed_out = false;  // The deadline passed first.
  std::string error;       // A read error (errno's text), else "".
};

inline constexpr size_t kStatuslineStdinMax = 256 * 1024;

// Reads `fd` until one of the ends above; `deadline_ns` is a
// CLOCK_MONOTONIC time. A terminal on `fd` is not read (there is no JSON).
StdinRead ReadStatuslineStdin(int fd, size_t max_bytes, int64_t deadline_ns);

// Whether `text` holds a whole top-level JSON object: the first
// non-space byte is '{' and its closing '}' has been seen (strings and
// their escapes skipped). Exposed for tests.
bool HoldsCompleteObject(const std::string& text);

// CLOCK_MONOTONIC now, in nanoseconds.
int64_t MonotonicNs();

}  // namespace cc
