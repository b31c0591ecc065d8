// The official plan limits on the statusline's stdin (rate_limits) as a
// RateLimitReading for the ledger's history (ledger/rate_limits.h: only
// changes are kept, by source).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ledger/rate_limits.h"
#include "statusline/statusline_input.h"

namespace cc {

// The reading in `input`, when it has rate_limits.
std::optional<RateLimitReading> RateLimitReadingOf(const StatuslineInput& input,
                                                   const std::string& source,
                                                   int64_t seen_ms);

}  // namespace cc
