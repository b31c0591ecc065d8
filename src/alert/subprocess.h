// RunSubprocess: a program run with bytes on its stdin and a bound on its
// time, for the command and desktop channels. posix_spawn (safe in a
// process with threads), its own process group (killed whole at the
// bound: `sh -c` and what it started), default signals and mask, only
// fds 0-2 (the ledger, the writer lock and listening sockets stay ours),
// stdout and stderr captured together, the tail kept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cc {

struct SubprocessOutcome {
  bool timed_out = false;  // Killed at the bound (then exit_code is -1).
  int exit_code = -1;      // -1 when it died of a signal.
  int signal = 0;          // The signal it died of, if any.
  std::string output_tail;  // The last bytes of its stdout and stderr.
};

// Runs argv[0] (looked up in PATH when it has no '/') with `input` on its
// stdin (it may not read it all: that is not an error) and `env_extra`
// ("NAME=value") added to this process's environment. Waits at most
// `time_limit_ms`, then kills its process group. Keeps the last
// `tail_bytes` of its output. An error only when it could not be started.
// Thread-safe (one call per thread).
Result<SubprocessOutcome> RunSubprocess(const std::vector<std::string>& argv,
                                        std::string_view input,
                                        const std::vector<std::string>& env_extra,
                                        int64_t time_limit_ms,
                                        size_t tail_bytes = 2048);

// Where PATH finds `name` ("" when it does not): an executable file.
std::string FindInPath(const std::string& name, const std::string& path_var);

}  // namespace cc
