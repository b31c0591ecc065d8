#include "budget/budget_period.h"

#include <gtest/gtest.h>

#include "core/civil_time.h"

namespace cc {
namespace {

constexpr int64_t kHour = 3600'000;

int64_t At(const char* iso) { return *ParseIsoTimestampMs(iso); }

BudgetCalendar In(const char* zone, int start_of_week = 0) {
  Result<TimeZone> z = TimeZone::Load(zone);
  EXPECT_TRUE(z.ok()) << zone;
  return BudgetCalendar{*z, start_of_week};
}

TEST(BudgetPeriod, BerlinSpringForwardDayIs23Hours) {
  const BudgetCalendar berlin = In("Europe/Berlin");
  const PeriodSpan day =
      CalendarPeriodAt(BudgetPeriod::kDay, berlin, At("2026-03-29T12:00:00Z"));
  EXPECT_EQ(day.start_ms, At("2026-03-28T23:00:00Z"));  // 00:00 +01:00.
  EXPECT_EQ(day.end_ms, At("2026-03-29T22:00:00Z"));    // 00:00 +02:00.
  EXPECT_EQ(day.length_ms(), 23 * kHour);
  EXPECT_EQ(PeriodStartLabel(day, berlin), "2026-03-29T00:00:00+01:00");
}

TEST(BudgetPeriod, BerlinFallBackDayIs25Hours) {
  const BudgetCalendar berlin = In("Europe/Berlin");
  const PeriodSpan day =
      CalendarPeriodAt(BudgetPeriod::kDay, berlin, At("2026-10-25T01:30:00Z"));
  EXPECT_EQ(day.start_ms, At("2026-10-24T22:00:00Z"));
  EXPECT_EQ(day.end_ms, At("2026-10-25T23:00:00Z"));
  EXPECT_EQ(day.length_ms(), 25 * kHour);
  EXPECT_EQ(PeriodStartLabel(day, berlin), "2026-10-25T00:00:00+02:00");
}

TEST(BudgetPeriod, NewYorkDstDays) {
  const BudgetCalendar ny = In("America/New_York");
  const PeriodSpan spring =
      CalendarPeriodAt(BudgetPeriod::kDay, ny, At("2026-03-08T07:00:00Z"));
  EXPECT_EQ(spring.start_ms, At("2026-03-08T05:00:00Z"));
  EXPECT_EQ(spring.end_ms, At("2026-03-09T04:00:00Z"));
  EXPECT_EQ(spring.length_ms(), 23 * kHour);
  const PeriodSpan fall =
      CalendarPeriodAt(BudgetPeriod::kDay, ny, At("2026-11-01T05:30:00Z"));
  EXPECT_EQ(fall.start_ms, At("2026-11-01T04:00:00Z"));
  EXPECT_EQ(fall.end_ms, At("2026-11-02T05:00:00Z"));
  EXPECT_EQ(fall.length_ms(), 25 * kHour);
  // 01:30 EDT and 01:30 EST (an hour later) are the same day.
  EXPECT_EQ(CalendarPeriodAt(BudgetPeriod::kDay, ny, At("2026-11-01T06:30:00Z"))
                .start_ms,
            fall.start_ms);
}

TEST(BudgetPeriod, DaysRollOverAtLocalMidnight) {
  const BudgetCalendar ny = In("America/New_York");
  const int64_t midnight = At("2026-12-09T05:00:00Z");  // 00:00 EST.
  EXPECT_EQ(CalendarPeriodAt(BudgetPeriod::kDay, ny, midnight - 1).end_ms, midnight);
  EXPECT_EQ(CalendarPeriodAt(BudgetPeriod::kDay, ny, midnight).start_ms, midnight);
  // At 23:00 local it is still "today", though UTC has moved on.
  EXPECT_EQ(CalendarPeriodAt(BudgetPeriod::kDay, ny, At("2026-12-09T04:00:00Z"))
                .start_ms,
            At("2026-12-08T05:00:00Z"));
}

TEST(BudgetPeriod, WeeksFollowTheWeekStartAcrossDst) {
  // Sunday 2026-03-29 is the day Berlin springs forward.
  const int64_t now = At("2026-03-29T12:00:00Z");
  const PeriodSpan monday_week =
      CalendarPeriodAt(BudgetPeriod::kWeek, In("Europe/Berlin", 1), now);
  EXPECT_EQ(monday_week.start_ms, At("2026-03-22T23:00:00Z"));  // Mon 23rd.
  EXPECT_EQ(monday_week.end_ms, At("2026-03-29T22:00:00Z"));    // Mon 30th.
  EXPECT_EQ(monday_week.length_ms(), 167 * kHour);
  const PeriodSpan sunday_week =
      CalendarPeriodAt(BudgetPeriod::kWeek, In("Europe/Berlin", 0), now);
  EXPECT_EQ(sunday_week.start_ms, At("2026-03-28T23:00:00Z"));  // Sun 29th.
  EXPECT_EQ(sunday_week.end_ms, At("2026-04-04T22:00:00Z"));    // Sun 5th.
}

TEST(BudgetPeriod, MonthsInTheZone) {
  const PeriodSpan march = CalendarPeriodAt(BudgetPeriod::kMonth, In("Europe/Berlin"),
                                            At("2026-03-31T21:59:59Z"));
  EXPECT_EQ(march.start_ms, At("2026-02-28T23:00:00Z"));
  EXPECT_EQ(march.end_ms, At("2026-03-31T22:00:00Z"));
  EXPECT_EQ(march.length_ms(), (31 * 24 - 1) * kHour);
  const PeriodSpan december = CalendarPeriodAt(
      BudgetPeriod::kMonth, In("America/New_York"), At("2026-12-31T23:00:00Z"));
  EXPECT_EQ(december.start_ms, At("2026-12-01T05:00:00Z"));
  EXPECT_EQ(december.end_ms, At("2027-01-01T05:00:00Z"));
  // 2027-01-01T01:00Z is still New Year's Eve in New York.
  EXPECT_EQ(CalendarPeriodAt(BudgetPeriod::kMonth, In("America/New_York"),
                             At("2027-01-01T01:00:00Z"))
                .start_ms,
            december.start_ms);
}

// Rollup rows of one dimension at these times (one request each).
UsageData RowsAt(std::initializer_list<const char*> times) {
  UsageData data;
  data.dims.push_back(UsageDim{"-p", "s", "m", "host"});
  for (const char* t : times) {
    UsageRow r;
    r.first_ms = r.last_ms = At(t);
    r.bucket_start_ms = r.first_ms / (15 * 60'000) * (15 * 60'000);
    r.events = 1;
    data.rows.push_back(r);
  }
  return data;
}

TEST(BudgetPeriod, TheActiveBlockIsReportBlocks) {
  // A silence of more than 5 hours, then requests at 10:20 and 11:40 UTC:
  // the block runs 10:00-15:00 (it starts on the UTC hour).
  const UsageData data = RowsAt({"2026-12-08T02:00:00Z", "2026-12-08T10:20:00Z",
                                 "2026-12-08T11:40:00Z"});
  bool proven = false;
  std::optional<PeriodSpan> block = ActiveBlockPeriod(
      data, At("2026-12-08T00:00:00Z"), At("2026-12-08T12:00:00Z"), &proven);
  EXPECT_TRUE(proven);
  ASSERT_TRUE(block);
  EXPECT_EQ(block->start_ms, At("2026-12-08T10:00:00Z"));
  EXPECT_EQ(block->end_ms, At("2026-12-08T15:00:00Z"));
  // At 15:00 it has ended: no block until the next request.
  EXPECT_FALSE(ActiveBlockPeriod(data, At("2026-12-08T00:00:00Z"),
                                 At("2026-12-08T16:41:00Z"), &proven));
  EXPECT_TRUE(proven);
}

TEST(BudgetPeriod, ABlockNeedsAProvenStart) {
  // Requests every 2 hours since 04:00: without the rows before, the
  // block's start cannot be known.
  const UsageData data = RowsAt({"2026-12-08T04:00:00Z", "2026-12-08T06:00:00Z",
                                 "2026-12-08T08:00:00Z", "2026-12-08T10:00:00Z"});
  bool proven = true;
  ActiveBlockPeriod(data, At("2026-12-08T04:00:00Z"), At("2026-12-08T10:30:00Z"),
                    &proven);
  EXPECT_FALSE(proven);
}

}  // namespace
}  // namespace cc
