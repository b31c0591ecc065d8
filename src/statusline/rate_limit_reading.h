// RateLimitReading: one sight of the official plan limits (stdin's
// rate_limits), handed to the ledger so that they become a history
// (issue 15: only changes are kept, by source). The statusline builds the
// reading; where it is stored is a seam (RateLimitSink) that the command
// connects to the ledger's writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "statusline/statusline_input.h"

namespace cc {

struct RateLimitReading {
  std::string source;  // The machine label (as events' `source`).
  std::optional<double> five_hour_pct;
  std::optional<int64_t> five_hour_resets_at;  // Epoch seconds.
  std::optional<double> seven_day_pct;
  std::optional<int64_t> seven_day_resets_at;
  int64_t seen_ms = 0;
};

// Where readings go; null: nowhere. It must not block (it runs inside the
// statusline's deadline) and reports failure by its Status.
using RateLimitSink = Status (*)(const RateLimitReading& reading, void* context);

// The reading in `input`, when it has rate_limits.
std::optional<RateLimitReading> RateLimitReadingOf(const StatuslineInput& input,
                                                   const std::string& source,
                                                   int64_t seen_ms);

}  // namespace cc
