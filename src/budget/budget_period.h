// The current period of a budget: a local day, week or month in the
// configured time zone and week start, or the current 5-hour block as
// `report blocks` builds it (docs/budgets.md).
//
// Pure functions over UTC milliseconds. Days follow the zone's clocks: a
// day on which they spring forward is 23 hours long, one on which they
// fall back 25.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "budget/budget_config.h"
#include "ledger/ledger_reader.h"
#include "time/time_zone.h"

namespace cc {

// [start_ms, end_ms) in UTC.
struct PeriodSpan {
  int64_t start_ms = 0;
  int64_t end_ms = 0;

  int64_t length_ms() const { return end_ms - start_ms; }
  bool Contains(int64_t t) const { return t >= start_ms && t < end_ms; }
};

// Where periods are laid out: the zone and the first day of a week (0 =
// Sunday ... 6, core/civil_time.h).
struct BudgetCalendar {
  TimeZone zone = TimeZone::Utc();
  int start_of_week = 0;
};

// The local day, week or month holding `now_ms` (`period` is not kBlock).
PeriodSpan CalendarPeriodAt(BudgetPeriod period, const BudgetCalendar& calendar,
                            int64_t now_ms);

// The active 5-hour block at `now_ms` of `data` (rollup rows from
// `since_ms` on), by `report blocks`' rules (report/active_block.h);
// nullopt when there is none (no request in the last 5 hours) or when
// `data` does not reach back to a proven block boundary (`*proven` false:
// read from earlier).
std::optional<PeriodSpan> ActiveBlockPeriod(const UsageData& data,
                                            int64_t since_ms, int64_t now_ms,
                                            bool* proven);

// The period's start as it appears in alert ids and reports: local ISO
// time with the offset ("2026-03-29T00:00:00+01:00").
std::string PeriodStartLabel(const PeriodSpan& span, const BudgetCalendar& calendar);

}  // namespace cc
