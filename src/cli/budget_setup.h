// The budgets in the CLI (docs/budgets.md): which budgets a command uses
// (--budget flags, else the config file's), the calendar they count in,
// how their projects are found, and the commit hook that fires their
// alerts in every writer (sync --once, backfill, the monitor, run, the
// receiver).
#pragma once

#include <vector>

#include "budget/budget_config.h"
#include "budget/budget_period.h"
#include "budget/budget_projects.h"
#include "cli/context.h"
#include "cli/flags.h"
#include "ledger/commit_hook.h"

namespace cc::cli {

// --budget (repeatable) when given, else the config's "budgets".
Result<std::vector<Budget>> BudgetsOf(const Context& ctx, const ParsedArgs& args);

// --timezone / "timezone" / the system's, and the week start.
Result<BudgetCalendar> BudgetCalendarOf(const Context& ctx, const ParsedArgs& args);

// $HOME and the project aliases.
Result<ProjectLookup> ProjectLookupOf(const Context& ctx, const ParsedArgs& args);

// A BudgetEvaluator per writing connection, over the config's budgets and
// alert settings; empty when there is nothing to evaluate.
Result<CommitHookFactory> BudgetHookOf(const Context& ctx, const ParsedArgs& args);

}  // namespace cc::cli
