// TimeZone: UTC offsets of one IANA time zone. Reports and the dashboard
// use it to group events (UTC millisecond timestamps) by local hour, day,
// week and month, daylight-saving changes included.
//
// Zones come from the system's database (/usr/share/zoneinfo, Debian's
// tzdata) through Howard Hinnant's date/tz (Debian's libdate-tz, the
// library that became C++20's std::chrono::tzdb, which g++ 12 lacks). That
// build reads only /usr/share/zoneinfo: TZDIR is not consulted. After a
// file's last transition the file's POSIX TZ footer decides (see
// posix_tz_rule.h: the library ignores it).
//
// A TimeZone is an immutable value: cheap to copy (it shares the loaded
// zone), safe to use from several threads at once.
//
// Instants are meaningful within about +-28,000 years of 1970; farther ones
// are clamped to that range.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace cc {

struct ZoneSpan;

class TimeZone {
 public:
  // "UTC", offset 0 at every instant.
  static TimeZone Utc();

  // An IANA name ("Asia/Tokyo", "UTC", "Etc/GMT+5") of the system's
  // database. InvalidArgument for an empty or absolute name, one containing
  // "..", or an unknown name; Corruption for a damaged zone file.
  static Result<TimeZone> Load(std::string_view name);

  // A POSIX TZ string ("JST-9", "EST5EDT,M3.2.0,M11.1.0",
  // "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"), with RFC 8536's extension of
  // rule times to -167..167 hours. A daylight name without a rule gets the
  // US rule M3.2.0,M11.1.0, as in tzcode. The name is the string itself.
  // InvalidArgument when `spec` is not such a string.
  static Result<TimeZone> FromPosixString(std::string_view spec);

  // The system's zone: $TZ when set (a name, ":name", a path into a
  // zoneinfo directory, or a POSIX TZ string; empty or unusable means UTC,
  // as in glibc); else the zone /etc/localtime links to
  // (…/zoneinfo/Europe/Paris -> "Europe/Paris"); else the name in
  // /etc/timezone; else UTC. Reads the environment: do not call while
  // another thread may call setenv.
  static TimeZone System();

  const std::string& name() const { return name_; }

  // The UTC offset, in seconds east of UTC, in force at a UTC instant.
  int32_t OffsetAt(int64_t utc_ms) const;

  // Days since 1970-01-01 of the local date at a UTC instant.
  int64_t LocalDay(int64_t utc_ms) const;

  // The UTC instant (ms) at which local day `day` begins: its first local
  // instant, or on a day whose midnight a daylight-saving change skips, the
  // first instant that exists. Consecutive starts are 23, 24 or 25 hours
  // apart where the clocks change by an hour, and 0 for a day a change
  // skips entirely (Pacific/Apia, 2011-12-30).
  int64_t LocalDayStart(int64_t day) const;

  // The UTC instant (ms) at which the local hour containing `utc_ms`
  // began, but never before the last offset change at or before `utc_ms`:
  // each hour bucket is one contiguous stretch of time, and an hour that a
  // fall-back repeats is two buckets. In Asia/Kolkata it lands on :30 UTC.
  int64_t FloorToLocalHour(int64_t utc_ms) const;

  // "2025-09-03T09:52:34+09:00": ISO-8601 local time, whole seconds, with
  // the offset (":ss" is appended for the rare offsets with seconds).
  std::string FormatLocal(int64_t utc_ms) const;

 private:
  struct Source;  // The library's zone and the footer rule (time_zone.cc).

  TimeZone(std::string name, std::shared_ptr<const Source> source)
      : name_(std::move(name)), source_(std::move(source)) {}

  // Load's and System's parts.
  static TimeZone FromTzVariable(std::string_view tz);
  static Result<TimeZone> FromEtcLocaltime();
  ZoneSpan SpanAt(int64_t utc_s) const;

  std::string name_;
  std::shared_ptr<const Source> source_;  // Null: UTC.
};

}  // namespace cc
