// The budgets as the dashboard serves them: GET /api/budgets' objects
// (docs/api.md) from budget/budget_status.h's BudgetStatus. Pure.
#pragma once

#include <vector>

#include "budget/budget_status.h"
#include "core/json_writer.h"

namespace cc {

// One budget: as configured, its current period, the spend, the share of
// the limit, the projection and the alerts it fired in this period.
// Times are UTC ISO like the rest of the API; `periodStart` is the
// period's local start as alert ids carry it.
void WriteBudgetJson(JsonWriter& w, const BudgetStatus& status);

// "budgets": [...] of them all, in the configured order.
void WriteBudgetsJson(JsonWriter& w, const std::vector<BudgetStatus>& statuses);

}  // namespace cc
