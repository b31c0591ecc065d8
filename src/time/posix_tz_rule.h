// PosixTzRule: a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0") as a rule for
// UTC offsets. It is the footer of a TZif file, which decides every instant
// after the file's last transition: date/tz (built against the system's
// files, USE_OS_TZDB) ignores footers and keeps the last transition's offset
// forever, so zones with daylight saving would stay on standard time after
// 2037 in Debian's "fat" files (and after ~2007 in "slim" ones). TimeZone
// uses this rule from the last transition on, and for $TZ strings.
//
// Only what those uses need: offsets, no abbreviations. An immutable value.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cc {

// A stretch of time [begin_s, end_s) (UTC seconds; INT64_MIN/INT64_MAX when
// unbounded) over which the UTC offset is `offset_s` (seconds east of UTC).
// Adjacent spans may share an offset (a change of name or of rule only).
struct ZoneSpan {
  int64_t begin_s;
  int64_t end_s;
  int32_t offset_s;
};

class PosixTzRule {
 public:
  // POSIX TZ syntax with RFC 8536's extension of rule times to -167..167
  // hours; offsets are flipped to east of UTC. A daylight name without a
  // rule gets the US rule M3.2.0,M11.1.0, as in tzcode. nullopt when `text`
  // is not such a string.
  static std::optional<PosixTzRule> Parse(std::string_view text);

  // The span holding `utc_s`; years must stay within std::chrono::year's
  // range (callers clamp instants to +-30,000 years).
  ZoneSpan SpanAt(int64_t utc_s) const;

  // The day of a change ("Jn", "n" or "Mm.w.d") and its local time.
  struct Date {
    enum class Kind : uint8_t { kJulian, kDayOfYear, kMonthWeek };
    Kind kind = Kind::kMonthWeek;
    int day = 0;                // Jn: 1..365, Feb 29 never counted; n: 0..365.
    int month = 0;              // Mm.w.d: 1..12,
    int week = 0;               // 1..5 (5 = the last),
    int weekday = 0;            // 0..6 (0 = Sunday).
    int32_t time_s = 2 * 3600;  // Local wall time of the change.
  };

 private:
  friend class PosixTzParser;

  int32_t std_offset_s_ = 0;
  bool has_dst_ = false;
  int32_t dst_offset_s_ = 0;
  Date dst_start_;  // In local standard time.
  Date dst_end_;    // In local daylight time.
};

}  // namespace cc
