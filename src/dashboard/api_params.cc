#include "dashboard/api_params.h"

#include <algorithm>
#include <cctype>

#include "core/civil_time.h"

namespace cc {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) != 0;
         });
}

// A time parameter: epoch milliseconds, an ISO timestamp, or a local date
// (`end_of_day`: the end of that day, for an inclusive `to`).
Result<int64_t> TimeParam(const std::string& name, const std::string& text,
                          const TimeZone& zone, bool end_of_day) {
  if (AllDigits(text) && text.size() > 8) {
    if (text.size() > 15) return Status::InvalidArgument(name + ": too large");
    return std::stoll(text);
  }
  if (std::optional<int64_t> day = ParseDate(text)) {
    return zone.LocalDayStart(*day + (end_of_day ? 1 : 0));
  }
  if (std::optional<int64_t> ms = ParseIsoTimestampMs(text)) return *ms;
  return Status::InvalidArgument(
      name + ": expected YYYY-MM-DD, an ISO timestamp or epoch milliseconds, "
             "got '" + text + "'");
}

}  // namespace

std::string Param(const ApiRequest& r, const std::string& name,
                  const std::string& fallback) {
  auto it = r.params.find(name);
  return it == r.params.end() ? fallback : it->second;
}

Status RangeParams(const ApiRequest& r, const TimeZone& zone, int64_t* from_ms,
                   int64_t* to_ms) {
  for (const bool is_to : {false, true}) {
    const std::string name = is_to ? "to" : "from";
    if (Param(r, name).empty()) continue;
    Result<int64_t> ms = TimeParam(name, Param(r, name), zone, /*end_of_day=*/is_to);
    if (!ms.ok()) return ms.status();
    *(is_to ? to_ms : from_ms) = *ms;
  }
  return Status::Ok();
}

Result<size_t> CountParam(const ApiRequest& r, const std::string& name,
                          size_t fallback, size_t min, size_t max) {
  const std::string text = Param(r, name);
  if (text.empty()) return fallback;
  if (!AllDigits(text) || text.size() > 9) {
    return Status::InvalidArgument(name + ": expected a whole number, got '" +
                                   text + "'");
  }
  const size_t n = std::stoul(text);
  if (n < min || n > max) {
    return Status::InvalidArgument(name + ": from " + std::to_string(min) +
                                   " to " + std::to_string(max));
  }
  return n;
}

Result<TimeZone> ZoneParam(const ApiRequest& r, const TimeZone& fallback) {
  const std::string name = Param(r, "tz");
  if (name.empty()) return fallback;
  Result<TimeZone> z = TimeZone::Load(name);
  if (!z.ok()) return Status::InvalidArgument("tz: " + z.status().message());
  return z;
}

Result<int> WeekStartParam(const ApiRequest& r, int fallback) {
  const std::string s = Param(r, "weekStart");
  if (s.empty()) return fallback;
  if (std::optional<int> day = WeekdayFromName(s)) return *day;
  return Status::InvalidArgument("weekStart: a day name, got '" + s + "'");
}

}  // namespace cc
