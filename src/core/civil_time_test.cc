#include "core/civil_time.h"

#include <gtest/gtest.h>

namespace cc {
namespace {

TEST(CivilTime, ParsesClaudeCodeTimestamps) {
  // 2025-09-03 is day 20334 since the epoch (hand-computed: 55 years of days).
  EXPECT_EQ(ParseIsoTimestampMs("2025-09-03T00:52:34.495Z"),
            int64_t{20334} * 86'400'000 + (52 * 60 + 34) * 1000 + 495);
  EXPECT_EQ(ParseIsoTimestampMs("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIsoTimestampMs("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(ParseIsoTimestampMs("1970-01-01T00:00:00.123456789Z"), 123);
}

TEST(CivilTime, AppliesOffsets) {
  EXPECT_EQ(ParseIsoTimestampMs("1970-01-01T09:00:00+09:00"), 0);
  EXPECT_EQ(ParseIsoTimestampMs("1969-12-31T19:00:00-05:00"), 0);
}

TEST(CivilTime, RejectsMalformedTimes) {
  for (const char* bad :
       {"", "2025-09-03", "2025-09-03T00:52:34", "2025-13-03T00:00:00Z",
        "2025-02-30T00:00:00Z", "2025-09-03T24:00:00Z", "2025-09-03T00:00:00.Z",
        "2025-09-03T00:00:00Zjunk", "2025/09/03T00:00:00Z"}) {
    EXPECT_FALSE(ParseIsoTimestampMs(bad).has_value()) << bad;
  }
}

TEST(CivilTime, LeapDaysRoundTrip) {
  EXPECT_TRUE(ParseIsoTimestampMs("2024-02-29T12:00:00Z").has_value());
  EXPECT_FALSE(ParseIsoTimestampMs("2023-02-29T12:00:00Z").has_value());
  for (int64_t day = -800; day < 30000; day += 7) {
    std::optional<int64_t> back = ParseDate(FormatDate(day));
    ASSERT_TRUE(back.has_value()) << day;
    EXPECT_EQ(*back, day);
  }
}

TEST(CivilTime, ParsesBothDateForms) {
  EXPECT_EQ(ParseDate("2025-09-03"), 20334);
  EXPECT_EQ(ParseDate("20250903"), 20334);
  EXPECT_FALSE(ParseDate("2025-9-3").has_value());
  EXPECT_FALSE(ParseDate("yesterday").has_value());
}

TEST(CivilTime, DateProblemNamesTheDayThatDoesNotExist) {
  EXPECT_EQ(DateProblem("2026-11-30"), "");
  EXPECT_EQ(DateProblem("2026-11-31"),
            "2026-11-31 does not exist: November has 30 days");
  EXPECT_EQ(DateProblem("20260229"),
            "2026-02-29 does not exist: February 2026 has 28 days");
  EXPECT_EQ(DateProblem("2028-02-29"), "");  // A leap year.
  EXPECT_EQ(DateProblem("2026-13-01"), "month 13 does not exist");
  EXPECT_EQ(DateProblem("2026-00-10"), "month 0 does not exist");
  EXPECT_EQ(DateProblem("2026-1-1"), "expected a date as YYYY-MM-DD or YYYYMMDD");
  EXPECT_EQ(DateProblem("yesterday"), "expected a date as YYYY-MM-DD or YYYYMMDD");
}

TEST(CivilTime, DayOfNegativeTimesFloors) {
  EXPECT_EQ(UtcDayOfMs(-1), -1);
  EXPECT_EQ(UtcDayOfMs(0), 0);
  EXPECT_EQ(UtcDayOfMs(86'399'999), 0);
  EXPECT_EQ(FormatIsoTimestampMs(1500), "1970-01-01T00:00:01.500Z");
}

TEST(Weeks, DayNamesAndWeekStarts) {
  EXPECT_EQ(WeekdayFromName("sunday"), 0);
  EXPECT_EQ(WeekdayFromName("Mon"), 1);
  EXPECT_EQ(WeekdayFromName("TUESDAY"), 2);
  EXPECT_EQ(WeekdayFromName("sat"), 6);
  EXPECT_EQ(WeekdayFromName("mo"), std::nullopt);  // Too short to be sure.
  EXPECT_EQ(WeekdayFromName("someday"), std::nullopt);
  EXPECT_EQ(WeekdayFromName(""), std::nullopt);
  EXPECT_STREQ(WeekdayName(1), "monday");
  const int64_t wednesday = DaysFromCivil(2025, 9, 10);
  EXPECT_EQ(Weekday(wednesday), 3);
  EXPECT_EQ(Weekday(DaysFromCivil(1970, 1, 1)), 4);  // A Thursday.
  EXPECT_EQ(Weekday(DaysFromCivil(1969, 12, 28)), 0);  // Before the epoch: a Sunday.
  EXPECT_EQ(WeekStartDay(wednesday, 0), DaysFromCivil(2025, 9, 7));
  EXPECT_EQ(WeekStartDay(wednesday, 1), DaysFromCivil(2025, 9, 8));
  EXPECT_EQ(WeekStartDay(wednesday, 3), wednesday);
  EXPECT_EQ(WeekStartDay(wednesday, 4), DaysFromCivil(2025, 9, 4));
}

}  // namespace
}  // namespace cc
