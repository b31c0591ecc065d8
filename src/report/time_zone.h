// TimeZone: UTC offsets of one IANA time zone, read from the system's
// time-zone database (TZif files, RFC 8536, under /usr/share/zoneinfo),
// because g++ 12's libstdc++ lacks std::chrono::tzdb. Reports use it to
// group events (UTC millisecond timestamps) by local hour, day, week and
// month, daylight-saving changes included.
//
// A TimeZone is an immutable value: copyable, no global cache, safe to use
// from several threads at once. It holds the file's transitions and, for
// instants after the last one, the file's POSIX TZ rule (Debian may ship
// "slim" files in which that rule is the only source for future years).
// Loading expands the rule into transitions through 2100, so a query is a
// binary search (~10-40 ns); later instants evaluate the rule each time.
//
// Zone files are untrusted input: every count and index is checked, and a
// truncated or corrupt file is an error, never a crash. Leap-second records
// (the "right/" zones) are skipped: instants here are POSIX time.
//
// Instants are meaningful within about +-3 million years of 1970; farther
// ones are clamped to that range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cc {

namespace time_zone_internal {

// The day of a POSIX TZ rule ("Jn", "n" or "Mm.w.d") and its local time.
struct RuleDate {
  enum class Kind : uint8_t {
    kJulian,     // Jn: day 1..365 of the year, February 29 never counted.
    kDayOfYear,  // n: day 0..365 of the year, February 29 counted.
    kMonthWeek,  // Mm.w.d: weekday d (0 = Sunday) of week w (5 = last).
  };
  Kind kind = Kind::kMonthWeek;
  int day = 0;                // n of Jn or n.
  int month = 0;              // m of Mm.w.d, 1..12.
  int week = 0;               // w of Mm.w.d, 1..5.
  int weekday = 0;            // d of Mm.w.d, 0..6.
  int32_t time_s = 2 * 3600;  // Local wall time of the change; -167h..167h.
};

// A POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0", offsets east of UTC
// (POSIX writes them west of UTC; the parser flips the sign).
struct PosixRule {
  int32_t std_offset_s = 0;
  bool has_dst = false;
  int32_t dst_offset_s = 0;
  RuleDate dst_start;  // In local standard time.
  RuleDate dst_end;    // In local daylight time.
};

}  // namespace time_zone_internal

class TimeZone {
 public:
  // "UTC", offset 0 at every instant.
  static TimeZone Utc();

  // An IANA name ("Asia/Tokyo", "UTC", "Etc/GMT+5") read from
  // $TZDIR/<name>, or /usr/share/zoneinfo/<name> when TZDIR is unset.
  // InvalidArgument for an empty or absolute name, one containing "..",
  // an unknown name, or a file that is not TZif; Corruption for a damaged
  // TZif file; IoError when the file cannot be read.
  static Result<TimeZone> Load(std::string_view name);

  // Parses the bytes of a TZif file (version 1 to 4); `name` is only used
  // as the zone's name and in messages.
  static Result<TimeZone> FromTzif(std::string name, std::string_view bytes);

  // A POSIX TZ string ("JST-9", "EST5EDT,M3.2.0,M11.1.0",
  // "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"), with RFC 8536's extension of
  // rule times to -167..167 hours. A daylight name without a rule gets the
  // US rule M3.2.0,M11.1.0, as in tzcode. The name is the string itself.
  static Result<TimeZone> FromPosixString(std::string_view spec);

  // The system's zone: $TZ when set (a name, ":name", an absolute path to a
  // TZif file, or a POSIX TZ string; empty or unusable means UTC, as in
  // glibc); else the zone /etc/localtime links to (…/zoneinfo/Europe/Paris
  // -> "Europe/Paris"); else the name in /etc/timezone; else the contents
  // of /etc/localtime (named "localtime"); else UTC. Reads the environment:
  // do not call while another thread may call setenv.
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
  // An offset change: from `at_s` (UTC seconds) on, `offset_s` applies.
  struct Change {
    int64_t at_s;
    int32_t offset_s;
  };

  TimeZone(std::string name, int32_t initial_offset_s)
      : name_(std::move(name)), initial_offset_s_(initial_offset_s) {}

  // Reads the TZif file at `path` (trusted: any path); `name` names it.
  static Result<TimeZone> LoadFile(std::string name, const std::string& path);
  // FromTzif, with `where` naming the data in messages.
  static Result<TimeZone> FromTzifAt(std::string name, std::string_view bytes,
                                     const std::string& where);
  // System()'s sources: $TZ (never fails: UTC when unusable), and the
  // /etc files (nullopt when none gives a usable zone).
  static TimeZone FromTzVariable(std::string_view tz);
  static std::optional<TimeZone> FromEtcLocaltime();

  // Appends the rule's changes through 2100 to the transitions, so that
  // queries in practical years are a binary search even for slim files.
  void ExpandRule();
  int32_t OffsetAtSeconds(int64_t utc_s) const;
  // The instants in (lo_s, hi_s] at which the offset changes, in order.
  std::vector<Change> ChangesIn(int64_t lo_s, int64_t hi_s) const;

  std::string name_;
  int32_t initial_offset_s_;          // Before the first transition.
  std::vector<int64_t> transitions_;  // UTC seconds, strictly ascending.
  std::vector<int32_t> offsets_;      // offsets_[i] from transitions_[i] on.
  // Decides from the last transition on (at all times if there are none).
  std::optional<time_zone_internal::PosixRule> rule_;
};

}  // namespace cc
