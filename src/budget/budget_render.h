// `report budget`: each budget's status (budget_status.h) as a table for
// people and as JSON for scripts (docs/reports.md). Pure text; cli/
// prints it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "budget/budget_status.h"
#include "time/time_zone.h"

namespace cc {

struct BudgetRenderOptions {
  TimeZone zone = TimeZone::Utc();  // Times are shown in it.
  bool color = false;
  size_t width = 120;
  int64_t now_ms = 0;
};

// {"budgets": [{"name", "period", "unit", "limit", "project", "source"
// (null: all), "thresholds", "active", "periodStart", "periodEnd" (local
// ISO; null while a block budget has no block), "spent", "percent",
// "projected" (null before the projection's minimum), "overBudget",
// "alerts": [{"id", "kind", "threshold", "spent", "projected",
// "firedAt"}], "problem" (null: none)}], "timezone", "now"}.
std::string BudgetStatusJson(const std::vector<BudgetStatus>& statuses,
                             const BudgetRenderOptions& opt);

// A table: budget, period, spent, limit, %, projected, alerts fired; the
// budgets at or over their limit in bold; problems as notes below.
std::string BudgetStatusTable(const std::vector<BudgetStatus>& statuses,
                              const BudgetRenderOptions& opt);

// "daily: 110% of its $3.00 for the day of 2026-12-08 ($3.30)", for
// --fail-over-budget's message. Raw data: escape before printing.
std::string OverBudgetLine(const BudgetStatus& status);

}  // namespace cc
