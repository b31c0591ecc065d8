// The budgets as the dashboard serves them: GET /api/budgets' objects
// (docs/api.md) from budget/budget_status.h's BudgetStatus. Pure.
#pragma once

#include <vector>

#include "budget/budget_status.h"
#include "core/json_writer.h"
#include "time/time_zone.h"

namespace cc {

// One budget: as configured, its current period, the spend, the share of
// the limit, the projection and the alerts it fired in this period. The
// keys are `report budget --json`'s (docs/budgets.md), and more: `start`,
// `end` and the alerts' `firedAt` are UTC ISO like the rest of the API;
// `periodStart` and `periodEnd` are local (in `calendar_zone`, the zone
// the budgets count in), as the report and alert ids write them.
void WriteBudgetJson(JsonWriter& w, const BudgetStatus& status, const TimeZone& calendar_zone);

// "budgets": [...] of them all, in the configured order.
void WriteBudgetsJson(JsonWriter& w, const std::vector<BudgetStatus>& statuses,
                      const TimeZone& calendar_zone);

}  // namespace cc
