// Conversions between UTC timestamps and calendar dates, on std::chrono's
// proleptic Gregorian calendar (years -32767..32767). Pure functions; local
// time is time/time_zone.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cc {

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int year, unsigned month, unsigned day);

struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};
// The inverse of DaysFromCivil.
CivilDate CivilFromDays(int64_t days_since_epoch);

// Parses an ISO-8601 timestamp as Claude Code writes them
// ("2025-09-03T00:52:34.495Z"); also accepts no fraction, any number of
// fraction digits, lower-case 'z', and "+HH:MM"/"-HH:MM" offsets. Returns
// milliseconds since the epoch, or nullopt when the text is not such a time.
std::optional<int64_t> ParseIsoTimestampMs(std::string_view text);

// Parses "YYYY-MM-DD" or "YYYYMMDD" into days since the epoch.
std::optional<int64_t> ParseDate(std::string_view text);
// Why ParseDate refuses `text` ("" when it accepts it): the expected shape,
// or the day that does not exist ("2026-11-31 does not exist: November has
// 30 days").
std::string DateProblem(std::string_view text);

// "YYYY-MM-DD" of a day number.
std::string FormatDate(int64_t days_since_epoch);

// The UTC day of a timestamp in milliseconds.
int64_t UtcDayOfMs(int64_t timestamp_ms);

// Inclusive bounds on UTC days (days since the epoch); unset = unbounded.
struct DayRange {
  std::optional<int64_t> since;
  std::optional<int64_t> until;

  bool bounded() const { return since.has_value() || until.has_value(); }
  bool Contains(int64_t day) const {
    return (!since || day >= *since) && (!until || day <= *until);
  }
};

// "2025-09-03T00:52:34.495Z".
std::string FormatIsoTimestampMs(int64_t timestamp_ms);

// Weeks. A day of the week is 0 = Sunday ... 6 = Saturday.
int Weekday(int64_t days_since_epoch);
// The first day of the week holding `day`, weeks starting on `start_of_week`.
int64_t WeekStartDay(int64_t day, int start_of_week);
// "sunday" ... "saturday", any case, or a prefix of three letters or more
// ("mon", "Tues"); nullopt otherwise.
std::optional<int> WeekdayFromName(std::string_view name);
// "sunday" ... "saturday".
const char* WeekdayName(int weekday);

}  // namespace cc
