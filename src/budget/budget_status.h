// BudgetStatus: where each budget stands now — its current period, the
// spend in it, the share of the limit, where the current rate ends, and
// the alerts it fired in this period. What `report budget`, the
// dashboard's budgets panel, the statusline segment and /metrics show
// (docs/budgets.md). A stable API: add fields, do not change these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "budget/alert.h"
#include "budget/budget_config.h"
#include "budget/budget_period.h"
#include "budget/budget_projects.h"
#include "core/result.h"
#include "ledger/ledger_reader.h"

namespace cc {

struct BudgetStatus {
  Budget budget;           // As configured (name, period, limit, filters).
  std::string unit;        // "usd" or "tokens" (budget.unit()).
  double limit = 0;        // In `unit` (budget.limit()).
  // False for a block budget while no block is active (no request in the
  // last 5 hours): no period, nothing spent.
  bool active = true;
  PeriodSpan period;       // The current period (UTC ms); {0, 0} inactive.
  std::string period_start;  // Local ISO ("2026-12-08T00:00:00+01:00").
  double spent = 0;        // In `unit`, in the period so far.
  double percent = 0;      // spent / limit * 100.
  // Spend at the period's end at the rate since its start; unset before
  // the projection's minimum time has passed (docs/budgets.md).
  std::optional<double> projected;
  bool over() const { return percent >= 100; }
  // The alerts this budget fired in this period, oldest first.
  std::vector<Alert> alerts;
  // Why the budget counts nothing, when it cannot ("project 'x': no
  // project of that name in the ledger ..."); "" otherwise. Raw data:
  // escape before a terminal sees it.
  std::string problem;
};

// Each budget's status at `now_ms`, in the order given. A handful of
// indexed reads: the rollup from the earliest current period on, the
// alerts fired since then, the projects' names when a budget has one.
Result<std::vector<BudgetStatus>> ReadBudgetStatus(
    LedgerReader& reader, const std::vector<Budget>& budgets,
    const AlertSettings& settings, const BudgetCalendar& calendar,
    int64_t now_ms, const ProjectLookup& projects = {});

// True when any budget is at or over its limit (--fail-over-budget).
bool AnyOverBudget(const std::vector<BudgetStatus>& statuses);

}  // namespace cc
