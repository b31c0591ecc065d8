#include "core/civil_time.h"

#include <cstdio>

namespace cc {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

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

unsigned DaysInMonth(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool ValidDate(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 &&
         static_cast<unsigned>(day) <=
             DaysInMonth(year, static_cast<unsigned>(month));
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
  // Shift the year to start in March so the leap day is the year's last day.
  const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t shifted_month = month > 2 ? month - 3 : month + 9;
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
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
  return days * kMsPerDay + seconds * 1000 + millis - *zone;
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

CivilDate CivilFromDays(int64_t days_since_epoch) {
  // Howard Hinnant's days_from_civil, inverted.
  const int64_t z = days_since_epoch + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 +
                               day_of_era / 36524 - day_of_era / 146096) /
                              365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{year_of_era + era * 400 + (month <= 2 ? 1 : 0),
                   static_cast<unsigned>(month), static_cast<unsigned>(day)};
}

std::string FormatDate(int64_t days_since_epoch) {
  const CivilDate d = CivilFromDays(days_since_epoch);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u",
                static_cast<long long>(d.year), d.month, d.day);
  return buf;
}

int64_t UtcDayOfMs(int64_t timestamp_ms) {
  int64_t day = timestamp_ms / kMsPerDay;
  if (timestamp_ms % kMsPerDay < 0) --day;
  return day;
}

std::string FormatIsoTimestampMs(int64_t timestamp_ms) {
  int64_t day = UtcDayOfMs(timestamp_ms);
  int64_t ms_of_day = timestamp_ms - day * kMsPerDay;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lld.%03lldZ",
                FormatDate(day).c_str(),
                static_cast<long long>(ms_of_day / 3'600'000),
                static_cast<long long>(ms_of_day / 60'000 % 60),
                static_cast<long long>(ms_of_day / 1000 % 60),
                static_cast<long long>(ms_of_day % 1000));
  return buf;
}

}  // namespace cc
