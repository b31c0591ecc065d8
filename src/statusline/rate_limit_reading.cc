#include "statusline/rate_limit_reading.h"

namespace cc {

std::optional<RateLimitReading> RateLimitReadingOf(const StatuslineInput& input,
                                                   const std::string& source,
                                                   int64_t seen_ms) {
  if (!input.five_hour && !input.seven_day) return std::nullopt;
  RateLimitReading r;
  r.source = source;
  r.seen_ms = seen_ms;
  if (input.five_hour) {
    r.five_hour_pct = input.five_hour->used_percentage;
    r.five_hour_resets_at = input.five_hour->resets_at_s;
  }
  if (input.seven_day) {
    r.seven_day_pct = input.seven_day->used_percentage;
    r.seven_day_resets_at = input.seven_day->resets_at_s;
  }
  return r;
}

}  // namespace cc
