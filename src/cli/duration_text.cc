#include "cli/duration_text.h"

namespace cc::cli {

std::string DurationText(int64_t milliseconds) {
  if (milliseconds < 0) milliseconds = 0;
  if (milliseconds < 10'000 && milliseconds % 1000 != 0) {
    // Short spans (an --interval of seconds) keep a decimal.
    std::string out = std::to_string(milliseconds / 1000);
    out.append(".").append(std::to_string(milliseconds % 1000 / 100));
    return out.append(" s");
  }
  const int64_t s = milliseconds / 1000;
  auto two = [](int64_t big, const char* big_unit, int64_t small,
                const char* small_unit) {
    std::string out = std::to_string(big);
    out.append(" ").append(big_unit);
    if (small > 0) {
      out.append(" ").append(std::to_string(small)).append(" ").append(small_unit);
    }
    return out;
  };
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return two(s / 60, "min", s % 60, "s");
  if (s < 86400) return two(s / 3600, "h", s % 3600 / 60, "min");
  return two(s / 86400, "d", s % 86400 / 3600, "h");
}

}  // namespace cc::cli
