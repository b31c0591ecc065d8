#include "time/time_zone.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "core/civil_time.h"

namespace cc {
namespace {

constexpr int64_t kMsPerMinute = 60'000;
constexpr int64_t kMsPerHour = 3'600'000;
constexpr const char* kZoneDir = "/usr/share/zoneinfo";

int64_t Ms(const char* iso) { return ParseIsoTimestampMs(iso).value(); }
int64_t Day(const char* date) { return ParseDate(date).value(); }

bool HaveZoneinfo() {
  return std::filesystem::exists(std::string(kZoneDir) + "/America/New_York");
}

// Tests that read the system's database skip when it is absent.
#define REQUIRE_ZONEINFO()                                                  \
  do {                                                                      \
    if (!HaveZoneinfo()) GTEST_SKIP() << kZoneDir << " is absent (tzdata)"; \
  } while (false)

// Sets (or with nullptr, unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    Set(value);
  }
  ~ScopedEnv() { Set(old_ ? old_->c_str() : nullptr); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void Set(const char* value) {
    if (value != nullptr) {
      setenv(name_.c_str(), value, 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  std::string name_;
  std::optional<std::string> old_;
};

TimeZone MustLoad(const char* name) {
  Result<TimeZone> zone = TimeZone::Load(name);
  EXPECT_TRUE(zone.ok()) << zone.status().message();
  return zone.ok() ? *zone : TimeZone::Utc();
}

TimeZone MustParsePosix(const char* spec) {
  Result<TimeZone> zone = TimeZone::FromPosixString(spec);
  EXPECT_TRUE(zone.ok()) << zone.status().message();
  return zone.ok() ? *zone : TimeZone::Utc();
}

// Length of a local day, from LocalDayStart of it and of the next.
int64_t MinutesIn(const TimeZone& zone, const char* date) {
  const int64_t day = Day(date);
  return (zone.LocalDayStart(day + 1) - zone.LocalDayStart(day)) / kMsPerMinute;
}

constexpr int64_t k23h = 23 * 60, k24h = 24 * 60, k25h = 25 * 60;

// Each instant's local hour starts at the instant paired with it.
void ExpectHourStarts(
    const TimeZone& zone,
    std::initializer_list<std::pair<const char*, const char*>> cases) {
  for (const auto& [instant, hour_start] : cases) {
    EXPECT_EQ(zone.FloorToLocalHour(Ms(instant)), Ms(hour_start)) << instant;
  }
}

// ---------------------------------------------------------------------------
// Local days, offsets and formatting (oracle: published rules of each zone).

TEST(TimeZone, TheSameInstantIsADifferentLocalDayEastAndWest) {
  REQUIRE_ZONEINFO();
  const int64_t instant = Ms("2025-09-02T23:30:00Z");
  TimeZone tokyo = MustLoad("Asia/Tokyo");
  TimeZone los_angeles = MustLoad("America/Los_Angeles");
  EXPECT_EQ(tokyo.name(), "Asia/Tokyo");
  EXPECT_EQ(tokyo.LocalDay(instant), Day("2025-09-03"));
  EXPECT_EQ(los_angeles.LocalDay(instant), Day("2025-09-02"));
  EXPECT_EQ(tokyo.FormatLocal(instant), "2025-09-03T08:30:00+09:00");
  EXPECT_EQ(los_angeles.FormatLocal(instant), "2025-09-02T16:30:00-07:00");
}

TEST(TimeZone, UtcIsOffsetZeroEverywhere) {
  TimeZone utc = TimeZone::Utc();
  EXPECT_EQ(utc.name(), "UTC");
  EXPECT_EQ(utc.OffsetAt(Ms("2025-07-01T12:00:00Z")), 0);
  EXPECT_EQ(utc.LocalDayStart(Day("2025-09-03")), Ms("2025-09-03T00:00:00Z"));
  EXPECT_EQ(utc.LocalDay(Ms("2025-09-03T23:59:59.999Z")), Day("2025-09-03"));
  EXPECT_EQ(utc.LocalDay(-1), Day("1969-12-31"));
  ExpectHourStarts(utc, {{"2025-09-03T10:59:59.999Z", "2025-09-03T10:00:00Z"}});
  EXPECT_EQ(utc.FormatLocal(Ms("2025-09-03T00:52:34.495Z")),
            "2025-09-03T00:52:34+00:00");
}

TEST(TimeZone, LoadsUtcAndEtcZones) {
  REQUIRE_ZONEINFO();
  TimeZone utc = MustLoad("UTC");
  EXPECT_EQ(utc.OffsetAt(Ms("2090-07-01T00:00:00Z")), 0);
  // POSIX-style sign: Etc/GMT+5 is five hours *behind* UTC.
  TimeZone gmt_plus_5 = MustLoad("Etc/GMT+5");
  EXPECT_EQ(gmt_plus_5.OffsetAt(Ms("2025-07-01T00:00:00Z")), -5 * 3600);
  EXPECT_EQ(gmt_plus_5.FormatLocal(Ms("2025-07-01T00:00:00Z")),
            "2025-06-30T19:00:00-05:00");
}

TEST(TimeZone, NewYorkSpringDayHas23HoursAndFallDay25) {
  REQUIRE_ZONEINFO();
  TimeZone ny = MustLoad("America/New_York");
  EXPECT_EQ(MinutesIn(ny, "2025-03-09"), k23h);
  EXPECT_EQ(MinutesIn(ny, "2025-11-02"), k25h);
  EXPECT_EQ(MinutesIn(ny, "2025-03-10"), k24h);
  EXPECT_EQ(MinutesIn(ny, "2025-09-03"), k24h);
  EXPECT_EQ(ny.LocalDayStart(Day("2025-03-09")), Ms("2025-03-09T05:00:00Z"));
  EXPECT_EQ(ny.LocalDayStart(Day("2025-03-10")), Ms("2025-03-10T04:00:00Z"));
  EXPECT_EQ(ny.LocalDayStart(Day("2025-11-03")), Ms("2025-11-03T05:00:00Z"));
  // The change itself: 02:00 EST becomes 03:00 EDT at 07:00Z.
  EXPECT_EQ(ny.FormatLocal(Ms("2025-03-09T06:59:59Z")),
            "2025-03-09T01:59:59-05:00");
  EXPECT_EQ(ny.FormatLocal(Ms("2025-03-09T07:00:00Z")),
            "2025-03-09T03:00:00-04:00");
}

TEST(TimeZone, LondonChangesOnTheLastSundays) {
  REQUIRE_ZONEINFO();
  TimeZone london = MustLoad("Europe/London");
  EXPECT_EQ(MinutesIn(london, "2025-03-30"), k23h);
  EXPECT_EQ(MinutesIn(london, "2025-10-26"), k25h);
  EXPECT_EQ(MinutesIn(london, "2025-06-15"), k24h);
  EXPECT_EQ(london.OffsetAt(Ms("2025-07-01T00:00:00Z")), 3600);
  EXPECT_EQ(london.OffsetAt(Ms("2025-01-01T00:00:00Z")), 0);
}

TEST(TimeZone, HalfAndQuarterHourOffsets) {
  REQUIRE_ZONEINFO();
  const int64_t instant = Ms("2025-09-02T23:30:00Z");
  TimeZone kolkata = MustLoad("Asia/Kolkata");
  TimeZone kathmandu = MustLoad("Asia/Kathmandu");
  EXPECT_EQ(kolkata.OffsetAt(instant), 5 * 3600 + 30 * 60);
  EXPECT_EQ(kathmandu.OffsetAt(instant), 5 * 3600 + 45 * 60);
  EXPECT_EQ(kolkata.FormatLocal(instant), "2025-09-03T05:00:00+05:30");
  EXPECT_EQ(kathmandu.FormatLocal(instant), "2025-09-03T05:15:00+05:45");
  EXPECT_EQ(kolkata.LocalDayStart(Day("2025-09-03")),
            Ms("2025-09-02T18:30:00Z"));
  EXPECT_EQ(kathmandu.LocalDayStart(Day("2025-09-03")),
            Ms("2025-09-02T18:15:00Z"));
}

TEST(TimeZone, KolkataHoursStartAtHalfPastUtc) {
  REQUIRE_ZONEINFO();
  ExpectHourStarts(MustLoad("Asia/Kolkata"),
                   {{"2025-09-02T23:47:12.345Z", "2025-09-02T23:30:00Z"},
                    {"2025-09-02T23:29:59.999Z", "2025-09-02T22:30:00Z"},
                    {"2025-09-02T23:30:00Z", "2025-09-02T23:30:00Z"}});
}

TEST(TimeZone, LordHoweShiftsByHalfAnHour) {
  REQUIRE_ZONEINFO();
  // +10:30 standard, +11 daylight; clocks go 02:00 -> 02:30 on the first
  // Sunday of October and 02:00 -> 01:30 on the first Sunday of April.
  TimeZone lord_howe = MustLoad("Australia/Lord_Howe");
  EXPECT_EQ(lord_howe.OffsetAt(Ms("2025-01-15T00:00:00Z")), 11 * 3600);
  EXPECT_EQ(lord_howe.OffsetAt(Ms("2025-07-15T00:00:00Z")), 10 * 3600 + 1800);
  EXPECT_EQ(MinutesIn(lord_howe, "2025-04-06"), k24h + 30);
  EXPECT_EQ(MinutesIn(lord_howe, "2025-10-05"), k24h - 30);
  EXPECT_EQ(lord_howe.FormatLocal(Ms("2025-10-04T15:29:59Z")),
            "2025-10-05T01:59:59+10:30");
  EXPECT_EQ(lord_howe.FormatLocal(Ms("2025-10-04T15:30:00Z")),
            "2025-10-05T02:30:00+11:00");
  // Local hour 02 begins at the change, 02:30 (+11).
  ExpectHourStarts(lord_howe,
                   {{"2025-10-04T15:45:00Z", "2025-10-04T15:30:00Z"}});
}

TEST(TimeZone, AdelaideIsHalfAnHourOffWithDaylightSaving) {
  REQUIRE_ZONEINFO();
  TimeZone adelaide = MustLoad("Australia/Adelaide");
  EXPECT_EQ(adelaide.OffsetAt(Ms("2025-01-15T00:00:00Z")), 10 * 3600 + 1800);
  EXPECT_EQ(adelaide.OffsetAt(Ms("2025-07-15T00:00:00Z")), 9 * 3600 + 1800);
  EXPECT_EQ(MinutesIn(adelaide, "2025-04-06"), k25h);
  EXPECT_EQ(MinutesIn(adelaide, "2025-10-05"), k23h);
  EXPECT_EQ(adelaide.LocalDayStart(Day("2025-07-01")),
            Ms("2025-06-30T14:30:00Z"));
}

TEST(TimeZone, SydneyKeepsDaylightTimeInJanuary) {
  REQUIRE_ZONEINFO();
  TimeZone sydney = MustLoad("Australia/Sydney");
  EXPECT_EQ(sydney.OffsetAt(Ms("2025-01-15T00:00:00Z")), 11 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Ms("2025-07-15T00:00:00Z")), 10 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Ms("2091-01-15T00:00:00Z")), 11 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Ms("2091-07-15T00:00:00Z")), 10 * 3600);
}

TEST(TimeZone, FarFutureUsesTheFooterRule) {
  REQUIRE_ZONEINFO();
  // Past any file's transition table (fat files stop in 2037). In 2090 the
  // US rule puts the changes on March 12 and November 5.
  TimeZone ny = MustLoad("America/New_York");
  EXPECT_EQ(ny.OffsetAt(Ms("2090-07-01T12:00:00Z")), -4 * 3600);
  EXPECT_EQ(ny.OffsetAt(Ms("2090-01-15T12:00:00Z")), -5 * 3600);
  EXPECT_EQ(MinutesIn(ny, "2090-03-12"), k23h);
  EXPECT_EQ(MinutesIn(ny, "2090-11-05"), k25h);
  EXPECT_EQ(MinutesIn(ny, "2090-03-13"), k24h);
  EXPECT_EQ(ny.FormatLocal(Ms("2090-03-12T07:00:00Z")),
            "2090-03-12T03:00:00-04:00");
  // Past 2100 the rule is evaluated on each query, not from the table:
  // March 8 and November 1 in 2150.
  EXPECT_EQ(ny.OffsetAt(Ms("2150-07-01T12:00:00Z")), -4 * 3600);
  EXPECT_EQ(ny.OffsetAt(Ms("2150-01-15T12:00:00Z")), -5 * 3600);
  EXPECT_EQ(MinutesIn(ny, "2150-03-08"), k23h);
  EXPECT_EQ(MinutesIn(ny, "2150-11-01"), k25h);
  EXPECT_EQ(MinutesIn(ny, "2150-11-02"), k24h);
}

TEST(TimeZone, DaylightSavingGoesOnAfter2037) {
  REQUIRE_ZONEINFO();
  // Debian's files list transitions through 2037; the footer rule decides
  // after that (date/tz alone would keep standard time forever).
  TimeZone berlin = MustLoad("Europe/Berlin");
  EXPECT_EQ(berlin.OffsetAt(Ms("2037-07-01T12:00:00Z")), 2 * 3600);
  EXPECT_EQ(berlin.OffsetAt(Ms("2040-07-01T12:00:00Z")), 2 * 3600);
  EXPECT_EQ(berlin.OffsetAt(Ms("2040-01-15T12:00:00Z")), 3600);
  EXPECT_EQ(berlin.OffsetAt(Ms("2100-07-01T12:00:00Z")), 2 * 3600);
  EXPECT_EQ(MinutesIn(berlin, "2040-03-25"), k23h);
  EXPECT_EQ(MinutesIn(berlin, "2040-10-28"), k25h);
  EXPECT_EQ(MinutesIn(berlin, "2100-03-28"), k23h);
  EXPECT_EQ(berlin.FormatLocal(Ms("2100-07-01T12:00:00Z")),
            "2100-07-01T14:00:00+02:00");
  TimeZone ny = MustLoad("America/New_York");
  EXPECT_EQ(ny.OffsetAt(Ms("2040-07-01T12:00:00Z")), -4 * 3600);
  EXPECT_EQ(ny.OffsetAt(Ms("2100-07-01T12:00:00Z")), -4 * 3600);
  EXPECT_EQ(ny.OffsetAt(Ms("2100-12-01T12:00:00Z")), -5 * 3600);
  // The hand-over: the last transition in the file, then the rule's first.
  EXPECT_EQ(MinutesIn(ny, "2037-11-01"), k25h);
  EXPECT_EQ(MinutesIn(ny, "2038-03-14"), k23h);
  ExpectHourStarts(ny, {{"2038-03-14T07:30:00Z", "2038-03-14T07:00:00Z"}});
}

TEST(TimeZone, DayWhoseMidnightIsSkippedStartsAtTheChange) {
  REQUIRE_ZONEINFO();
  // Chile springs forward at 24:00 on the first Saturday of September:
  // 2025-09-07 begins at 01:00 -03.
  TimeZone santiago = MustLoad("America/Santiago");
  const int64_t start = santiago.LocalDayStart(Day("2025-09-07"));
  EXPECT_EQ(start, Ms("2025-09-07T04:00:00Z"));
  EXPECT_EQ(santiago.FormatLocal(start), "2025-09-07T01:00:00-03:00");
  EXPECT_EQ(MinutesIn(santiago, "2025-09-06"), k24h);
  EXPECT_EQ(MinutesIn(santiago, "2025-09-07"), k23h);
  // And falls back at 24:00 on the first Saturday of April.
  EXPECT_EQ(MinutesIn(santiago, "2025-04-05"), k25h);
}

TEST(TimeZone, SamoaSkippedAWholeDay) {
  REQUIRE_ZONEINFO();
  // Apia went from 2011-12-29 24:00 (-10) straight to 2011-12-31 (+14).
  TimeZone apia = MustLoad("Pacific/Apia");
  EXPECT_EQ(MinutesIn(apia, "2011-12-29"), k24h);
  EXPECT_EQ(MinutesIn(apia, "2011-12-30"), 0);
  EXPECT_EQ(apia.LocalDayStart(Day("2011-12-31")), Ms("2011-12-30T10:00:00Z"));
}

TEST(TimeZone, FallBackHourIsTwoBuckets) {
  REQUIRE_ZONEINFO();
  // 01:30 EDT (05:30Z) and 01:30 EST (06:30Z) on 2025-11-02; 03:15 EDT,
  // the hour after the spring gap, starts at the change.
  ExpectHourStarts(MustLoad("America/New_York"),
                   {{"2025-11-02T05:30:00Z", "2025-11-02T05:00:00Z"},
                    {"2025-11-02T06:30:00Z", "2025-11-02T06:00:00Z"},
                    {"2025-03-09T07:15:00Z", "2025-03-09T07:00:00Z"}});
}

TEST(TimeZone, IsACopyableValue) {
  REQUIRE_ZONEINFO();
  TimeZone copy = TimeZone::Utc();
  {
    TimeZone tokyo = MustLoad("Asia/Tokyo");
    copy = tokyo;
  }
  EXPECT_EQ(copy.name(), "Asia/Tokyo");
  EXPECT_EQ(copy.OffsetAt(0), 9 * 3600);
}

// ---------------------------------------------------------------------------
// POSIX TZ strings (the footer of every version 2+ file).

TEST(TimeZone, PosixStringWithoutDaylightTime) {
  TimeZone jst = MustParsePosix("JST-9");
  EXPECT_EQ(jst.name(), "JST-9");
  EXPECT_EQ(jst.OffsetAt(Ms("2025-07-01T00:00:00Z")), 9 * 3600);
  EXPECT_EQ(MustParsePosix("<+0530>-5:30").OffsetAt(0), 5 * 3600 + 1800);
  EXPECT_EQ(MustParsePosix("<-03>3").OffsetAt(0), -3 * 3600);
}

TEST(TimeZone, PosixStringMonthWeekDayRules) {
  TimeZone eastern = MustParsePosix("EST5EDT,M3.2.0,M11.1.0");
  EXPECT_EQ(MinutesIn(eastern, "2025-03-09"), k23h);
  EXPECT_EQ(MinutesIn(eastern, "2025-11-02"), k25h);
  // Without a rule, tzcode's default is the US rule.
  EXPECT_EQ(MinutesIn(MustParsePosix("EST5EDT"), "2025-03-09"), k23h);
  TimeZone lord_howe = MustParsePosix("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  EXPECT_EQ(MinutesIn(lord_howe, "2025-10-05"), k24h - 30);
  // Week 5 is the last such weekday: the last Sunday of March 2025 is 30th.
  TimeZone europe = MustParsePosix("CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ(MinutesIn(europe, "2025-03-30"), k23h);
  EXPECT_EQ(MinutesIn(europe, "2025-10-26"), k25h);
}

TEST(TimeZone, PosixStringJulianDaysSkipFebruary29) {
  // J60 is March 1 in every year; zero-based day 59 is February 29 in a
  // leap year and March 1 otherwise.
  TimeZone julian = MustParsePosix("AAA3BBB,J60/2,J300/2");
  TimeZone zero_based = MustParsePosix("AAA3BBB,59/2,300/2");
  EXPECT_EQ(MinutesIn(julian, "2024-03-01"), k23h);
  EXPECT_EQ(MinutesIn(julian, "2024-02-29"), k24h);
  EXPECT_EQ(MinutesIn(zero_based, "2024-02-29"), k23h);
  EXPECT_EQ(MinutesIn(zero_based, "2025-03-01"), k23h);
}

TEST(TimeZone, PosixStringTimesMayBeNegativeOrPast24Hours) {
  // -1: 23:00 on the Saturday before; 26: 02:00 on the Monday after.
  TimeZone before = MustParsePosix("AAA3BBB,M3.2.0/-1,M11.1.0");
  EXPECT_EQ(MinutesIn(before, "2025-03-08"), k23h);
  EXPECT_EQ(MinutesIn(before, "2025-03-09"), k24h);
  TimeZone after = MustParsePosix("AAA3BBB,M3.2.0/26,M11.1.0");
  EXPECT_EQ(MinutesIn(after, "2025-03-09"), k24h);
  EXPECT_EQ(MinutesIn(after, "2025-03-10"), k23h);
  EXPECT_EQ(MustParsePosix("AAA3BBB,M3.2.0/-167,M11.1.0/167").name(),
            "AAA3BBB,M3.2.0/-167,M11.1.0/167");
}

TEST(TimeZone, PosixStringAllYearDaylightTime) {
  // RFC 8536's example of daylight time all year round.
  TimeZone zone = MustParsePosix("EST5EDT,0/0,J365/25");
  for (const char* instant : {"2025-01-01T00:00:00Z", "2025-01-01T05:00:00Z",
                              "2025-06-01T00:00:00Z", "2025-12-31T23:59:59Z",
                              "2026-01-01T04:59:59Z", "2024-12-31T12:00:00Z"}) {
    EXPECT_EQ(zone.OffsetAt(Ms(instant)), -4 * 3600) << instant;
  }
  EXPECT_EQ(MinutesIn(zone, "2025-01-01"), k24h);
  EXPECT_EQ(MinutesIn(zone, "2024-12-31"), k24h);
}

TEST(TimeZone, RejectsMalformedPosixStrings) {
  for (const char* bad :
       {"", "AB5", "EST", "5", "EST5EDT,", "EST5EDT,M3.2.0",
        "EST5EDT,M13.2.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0",
        "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,J0,J365", "EST5EDT,366,J365",
        "EST25", "EST5:60", "EST5EDT,M3.2.0/168,M11.1.0", "EST5junk!", "<EST5",
        "EST5EDT,M3.2.0,M11.1.0,", "EST1000"}) {
    Result<TimeZone> zone = TimeZone::FromPosixString(bad);
    EXPECT_FALSE(zone.ok()) << bad;
    if (!zone.ok()) {
      EXPECT_EQ(zone.status().code(), Status::Code::kInvalidArgument);
    }
  }
}

// ---------------------------------------------------------------------------
// Loading by name.

TEST(TimeZone, RejectsUnknownAndUnsafeNames) {
  REQUIRE_ZONEINFO();
  Result<TimeZone> unknown = TimeZone::Load("Mars/Base");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(unknown.status().message(),
            "unknown time zone 'Mars/Base' (no such file in "
            "/usr/share/zoneinfo)");
  for (const char* bad : {"../etc/passwd", "/etc/passwd", "", "America",
                          "Asia/../Asia/Tokyo", "Asia/Tokyo/", "zone.tab"}) {
    Result<TimeZone> zone = TimeZone::Load(bad);
    EXPECT_FALSE(zone.ok()) << bad;
    if (!zone.ok()) {
      EXPECT_EQ(zone.status().code(), Status::Code::kInvalidArgument) << bad;
      EXPECT_FALSE(zone.status().message().empty());
    }
  }
  EXPECT_FALSE(TimeZone::Load(std::string_view("Asia/Tokyo\0x", 12)).ok());
}

// ---------------------------------------------------------------------------
// The system's zone.

TEST(TimeZone, SystemFollowsTheTzVariable) {
  REQUIRE_ZONEINFO();
  {
    ScopedEnv tz("TZ", "Asia/Tokyo");
    TimeZone zone = TimeZone::System();
    EXPECT_EQ(zone.name(), "Asia/Tokyo");
    EXPECT_EQ(zone.OffsetAt(Ms("2025-09-02T23:30:00Z")), 9 * 3600);
  }
  {
    ScopedEnv tz("TZ", ":Asia/Kolkata");
    EXPECT_EQ(TimeZone::System().name(), "Asia/Kolkata");
  }
  {
    ScopedEnv tz("TZ", ":/usr/share/zoneinfo/Asia/Tokyo");
    EXPECT_EQ(TimeZone::System().name(), "Asia/Tokyo");
  }
  {
    ScopedEnv tz("TZ", "AAA3BBB,M3.2.0,M11.1.0");
    TimeZone zone = TimeZone::System();
    EXPECT_EQ(zone.OffsetAt(Ms("2025-07-01T00:00:00Z")), -2 * 3600);
  }
  for (const char* utc : {"", ":", "Nowhere/Nothing", "../../etc/passwd"}) {
    ScopedEnv tz("TZ", utc);
    EXPECT_EQ(TimeZone::System().name(), "UTC") << utc;
  }
}

TEST(TimeZone, SystemWithoutTzReadsEtc) {
  ScopedEnv tz("TZ", nullptr);
  TimeZone zone = TimeZone::System();  // Whatever this machine says.
  EXPECT_FALSE(zone.name().empty());
  EXPECT_GE(zone.OffsetAt(0), -26 * 3600);
  EXPECT_LE(zone.OffsetAt(0), 26 * 3600);
}

}  // namespace
}  // namespace cc
