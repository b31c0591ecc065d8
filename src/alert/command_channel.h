// CommandChannel: runs the configured command with `/bin/sh -c`, the
// payload's JSON on its stdin, and CONTEXT_CLEANER_ALERT_ID and
// CONTEXT_CLEANER_ALERT_TEXT in its environment (for one-liners that read
// no JSON). Exit 0 is delivered; anything else (an exit code, a signal,
// the bound) is worth a retry. The bound: 10 s (less when the caller's
// time limit is shorter), then its process group is killed. The error
// carries the tail of its output, as it wrote it (escape it to print).
// The command itself is never in a message: it may hold a secret.
#pragma once

#include <string>

#include "alert/alert_channel.h"

namespace cc {

class CommandChannel final : public AlertChannel {
 public:
  explicit CommandChannel(std::string command,
                          int64_t bound_ms = kDefaultBoundMs)
      : command_(std::move(command)), bound_ms_(bound_ms) {}

  static constexpr int64_t kDefaultBoundMs = 10'000;

  const char* name() const override { return "command"; }
  Status Deliver(const Alert& alert, std::string_view payload,
                 int64_t time_limit_ms) override;

 private:
  const std::string command_;
  const int64_t bound_ms_;
};

}  // namespace cc
