// DurationText: a span of time as people say it, for messages ("45 s",
// "12 min", "3 h 5 min", "2 d 4 h"): two units at most, the larger first.
#pragma once

#include <cstdint>
#include <string>

namespace cc::cli {

std::string DurationText(int64_t milliseconds);

}  // namespace cc::cli
