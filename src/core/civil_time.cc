#include "core/civil_time.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <string>

namespace cc {

namespace chr = std::chrono;

namespace {

// Reads exactly `n` decimal digits at text[pos...]; advances pos.
std::optional<int> ReadDigits(std::string_view text, size_t& pos, size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

bool ValidDate(int year, int month, int day) {
  return chr::year_month_day(chr::year(year),
                             chr::month(static_cast<unsigned>(month)),
                             chr::day(static_cast<unsigned>(day)))
      .ok();
}

// Parses "+HH:MM", "-HH:MM" or "Z"; returns the offset east of UTC in ms.
std::optional<int64_t> ReadZone(std::string_view text, size_t& pos) {
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
    return 0;
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
    return std::nullopt;
  }
  int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  auto hh = ReadDigits(text, pos, 2);
  if (!hh || !Expect(text, pos, ':')) return std::nullopt;
  auto mm = ReadDigits(text, pos, 2);
  if (!mm || *hh > 23 || *mm > 59) return std::nullopt;
  return sign * (*hh * 3'600'000LL + *mm * 60'000LL);
}

}  // namespace

int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  return chr::sys_days(chr::year(year) / chr::month(month) / chr::day(day))
      .time_since_epoch()
      .count();
}

std::optional<int64_t> ParseIsoTimestampMs(std::string_view text) {
  size_t pos = 0;
  auto year = ReadDigits(text, pos, 4);
  if (!year || !Expect(text, pos, '-')) return std::nullopt;
  auto month = ReadDigits(text, pos, 2);
  if (!month || !Expect(text, pos, '-')) return std::nullopt;
  auto day = ReadDigits(text, pos, 2);
  if (!day || !ValidDate(*year, *month, *day)) return std::nullopt;
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) {
    return std::nullopt;
  }
  ++pos;
  auto hour = ReadDigits(text, pos, 2);
  if (!hour || !Expect(text, pos, ':')) return std::nullopt;
  auto minute = ReadDigits(text, pos, 2);
  if (!minute || !Expect(text, pos, ':')) return std::nullopt;
  auto second = ReadDigits(text, pos, 2);
  if (!second || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    int64_t scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;  // Digits past the third add 0.
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
  }
  auto zone = ReadZone(text, pos);
  if (!zone || pos != text.size()) return std::nullopt;
  int64_t days = DaysFromCivil(*year, static_cast<unsigned>(*month),
                               static_cast<unsigned>(*day));
  int64_t seconds = *hour * 3600LL + *minute * 60LL + *second;
  return chr::milliseconds(chr::days(days)).count() + seconds * 1000 + millis -
         *zone;
}

std::optional<int64_t> ParseDate(std::string_view text) {
  size_t pos = 0;
  bool dashed = text.size() == 10;
  if (!dashed && text.size() != 8) return std::nullopt;
  auto year = ReadDigits(text, pos, 4);
  if (!year || (dashed && !Expect(text, pos, '-'))) return std::nullopt;
  auto month = ReadDigits(text, pos, 2);
  if (!month || (dashed && !Expect(text, pos, '-'))) return std::nullopt;
  auto day = ReadDigits(text, pos, 2);
  if (!day || !ValidDate(*year, *month, *day)) return std::nullopt;
  return DaysFromCivil(*year, static_cast<unsigned>(*month),
                       static_cast<unsigned>(*day));
}

std::string DateProblem(std::string_view text) {
  size_t pos = 0;
  bool dashed = text.size() == 10;
  std::optional<int> year, month, day;
  if (dashed || text.size() == 8) {
    year = ReadDigits(text, pos, 4);
    if (year && (!dashed || Expect(text, pos, '-'))) month = ReadDigits(text, pos, 2);
    if (month && (!dashed || Expect(text, pos, '-'))) day = ReadDigits(text, pos, 2);
  }
  if (!day) return "expected a date as YYYY-MM-DD or YYYYMMDD";
  if (ValidDate(*year, *month, *day)) return "";
  if (*month < 1 || *month > 12) {
    return "month " + std::to_string(*month) + " does not exist";
  }
  static const char* const kMonths[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  const unsigned last = static_cast<unsigned>(
      chr::year_month_day_last(chr::year(*year),
                               chr::month_day_last(chr::month(
                                   static_cast<unsigned>(*month))))
          .day());
  char buf[96];
  // February's length depends on the year: name it.
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d does not exist: %s", *year,
                *month, *day, kMonths[*month - 1]);
  std::string out = buf;
  if (*month == 2) out.append(" ").append(std::to_string(*year));
  return out.append(" has ").append(std::to_string(last)).append(" days");
}

CivilDate CivilFromDays(int64_t days_since_epoch) {
  const chr::year_month_day date{chr::sys_days(chr::days(days_since_epoch))};
  return CivilDate{static_cast<int>(date.year()),
                   static_cast<unsigned>(date.month()),
                   static_cast<unsigned>(date.day())};
}

std::string FormatDate(int64_t days_since_epoch) {
  const CivilDate d = CivilFromDays(days_since_epoch);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u",
                static_cast<long long>(d.year), d.month, d.day);
  return buf;
}

int64_t UtcDayOfMs(int64_t timestamp_ms) {
  return chr::floor<chr::days>(chr::milliseconds(timestamp_ms)).count();
}

std::string FormatIsoTimestampMs(int64_t timestamp_ms) {
  const chr::milliseconds ms(timestamp_ms);
  const chr::days day = chr::floor<chr::days>(ms);
  const chr::hh_mm_ss<chr::milliseconds> time(ms - day);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ",
                FormatDate(day.count()).c_str(),
                static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return buf;
}

int Weekday(int64_t days_since_epoch) {
  return static_cast<int>(((days_since_epoch % 7) + 7 + 4) % 7);  // 1970-01-01: a Thursday.
}

int64_t WeekStartDay(int64_t day, int start_of_week) {
  return day - (Weekday(day) - start_of_week + 7) % 7;
}

namespace {
constexpr const char* kWeekdayNames[] = {"sunday",   "monday", "tuesday", "wednesday",
                                         "thursday", "friday", "saturday"};
}  // namespace

std::optional<int> WeekdayFromName(std::string_view name) {
  if (name.size() < 3) return std::nullopt;
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < 7; ++i) {
    if (std::string_view(kWeekdayNames[i]).starts_with(lower)) return i;
  }
  return std::nullopt;
}

const char* WeekdayName(int weekday) { return kWeekdayNames[((weekday % 7) + 7) % 7]; }

}  // namespace cc
