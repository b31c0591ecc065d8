#include "budget/budget_period.h"

#include "core/civil_time.h"
#include "report/active_block.h"

namespace cc {

PeriodSpan CalendarPeriodAt(BudgetPeriod period, const BudgetCalendar& calendar,
                            int64_t now_ms) {
  const TimeZone& zone = calendar.zone;
  const int64_t day = zone.LocalDay(now_ms);
  switch (period) {
    case BudgetPeriod::kWeek: {
      const int64_t first = WeekStartDay(day, calendar.start_of_week);
      return {zone.LocalDayStart(first), zone.LocalDayStart(first + 7)};
    }
    case BudgetPeriod::kMonth: {
      const CivilDate date = CivilFromDays(day);
      const int year = static_cast<int>(date.year);
      const int64_t first = DaysFromCivil(year, date.month, 1);
      const int64_t next = date.month == 12 ? DaysFromCivil(year + 1, 1, 1)
                                            : DaysFromCivil(year, date.month + 1, 1);
      return {zone.LocalDayStart(first), zone.LocalDayStart(next)};
    }
    case BudgetPeriod::kDay:
    case BudgetPeriod::kBlock:
      break;
  }
  return {zone.LocalDayStart(day), zone.LocalDayStart(day + 1)};
}

std::optional<PeriodSpan> ActiveBlockPeriod(const UsageData& data,
                                            int64_t since_ms, int64_t now_ms,
                                            bool* proven) {
  std::optional<BlockFigures> block = ActiveBlockOf(data, since_ms, now_ms, proven);
  if (!block) return std::nullopt;
  return PeriodSpan{block->start_ms, block->end_ms};
}

std::string PeriodStartLabel(const PeriodSpan& span,
                             const BudgetCalendar& calendar) {
  return calendar.zone.FormatLocal(span.start_ms);
}

}  // namespace cc
