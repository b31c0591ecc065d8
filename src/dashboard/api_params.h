// The dashboard API's query parameters (docs/api.md), read and checked. A
// bad value is an InvalidArgument whose message names the parameter
// ("tz: ..."), for the API to answer with 400.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/result.h"
#include "dashboard/dashboard_api.h"
#include "time/time_zone.h"

namespace cc {

// The value of parameter `name`, or `fallback` when it is absent.
std::string Param(const ApiRequest& r, const std::string& name,
                  const std::string& fallback = "");
// A whole number from `min` to `max`; `fallback` when absent.
Result<size_t> CountParam(const ApiRequest& r, const std::string& name,
                          size_t fallback, size_t min, size_t max);
// `tz`: a time zone name (IANA); `fallback` when absent.
Result<TimeZone> ZoneParam(const ApiRequest& r, const TimeZone& fallback);
// `weekStart`: a day name; `fallback` when absent; 0 = Sunday ... 6.
Result<int> WeekStartParam(const ApiRequest& r, int fallback);
// `from` and `to`, where given, over `*from_ms` and `*to_ms`: epoch
// milliseconds, an ISO timestamp, or a local date in `zone` (as `to`, the
// end of that day, so that the range holds it).
Status RangeParams(const ApiRequest& r, const TimeZone& zone, int64_t* from_ms,
                   int64_t* to_ms);

}  // namespace cc
