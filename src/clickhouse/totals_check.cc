#include "clickhouse/totals_check.h"

#include <map>

#include "clickhouse/usage_query.h"
#include "core/civil_time.h"

namespace cc {
namespace {

std::map<int64_t, DayTotals> ByUtcDay(const UsageData& data) {
  std::map<int64_t, DayTotals> days;
  for (const UsageRow& r : data.rows) {
    DayTotals& d = days[UtcDayOfMs(r.first_ms)];
    d.events += r.events;
    d.tokens += r.tokens;
    d.cost_nano += r.cost_nano;
  }
  return days;
}

}  // namespace

Result<TotalsCheck> CheckClickHouseTotals(LedgerReader& ledger,
                                          ClickHouseClient& client,
                                          const std::string& source) {
  UsageFilter filter;
  filter.source = source;
  Result<UsageData> ours = ledger.Usage(filter);
  if (!ours.ok()) return ours.status();
  Result<UsageData> theirs = QueryClickHouseUsage(client, filter);
  if (!theirs.ok()) return theirs.status();
  const std::map<int64_t, DayTotals> a = ByUtcDay(*ours);
  const std::map<int64_t, DayTotals> b = ByUtcDay(*theirs);
  TotalsCheck check;
  std::map<int64_t, bool> days;
  for (const auto& [day, t] : a) days[day] = true;
  for (const auto& [day, t] : b) days[day] = true;
  check.days = days.size();
  for (const auto& [day, unused] : days) {
    auto x = a.find(day);
    auto y = b.find(day);
    DayTotals l = x == a.end() ? DayTotals{} : x->second;
    DayTotals c = y == b.end() ? DayTotals{} : y->second;
    if (!(l == c)) check.differences.push_back(TotalsDifference{day, l, c});
  }
  Result<ShipState> state = ledger.ShippingState();
  if (!state.ok()) return state.status();
  check.rows_not_yet_shipped = state->pending_events;
  return check;
}

}  // namespace cc
