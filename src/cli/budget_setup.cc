#include "cli/budget_setup.h"

#include <cstdlib>

#include "budget/budget_evaluator.h"
#include "cli/alert_delivery.h"
#include "cli/commands.h"

namespace cc::cli {

Result<std::vector<Budget>> BudgetsOf(const Context& ctx, const ParsedArgs& args) {
  const std::vector<std::string> flags = args.GetAll("--budget");
  if (flags.empty()) return ctx.budgets.budgets;
  std::vector<Budget> out;
  for (const std::string& text : flags) {
    Result<Budget> b = ParseBudgetFlag(text);
    if (!b.ok()) return b.status();
    out.push_back(std::move(*b));
  }
  Status named = NameBudgets(&out, [&flags](size_t i) {
    return "--budget '" + flags[i] + "'";
  });
  if (!named.ok()) {
    return Status::InvalidArgument(named.message() + " (add ,name=NAME)");
  }
  return out;
}

Result<BudgetCalendar> BudgetCalendarOf(const Context& ctx, const ParsedArgs& args) {
  Result<TimeZone> zone = ZoneFlag(ctx, args);
  if (!zone.ok()) return zone.status();
  Result<int> week_start = StartOfWeekFlag(ctx, args);
  if (!week_start.ok()) return week_start.status();
  return BudgetCalendar{*zone, *week_start};
}

Result<ProjectLookup> ProjectLookupOf(const Context& ctx, const ParsedArgs& args) {
  Result<ProjectAliases> aliases = AliasesOf(ctx, args);
  if (!aliases.ok()) return aliases.status();
  const char* home = std::getenv("HOME");
  return ProjectLookup{home != nullptr ? home : "", std::move(*aliases)};
}

Result<CommitHookFactory> BudgetHookOf(const Context& ctx, const ParsedArgs& args) {
  BudgetConfig config = ctx.budgets;
  if (config.budgets.empty() && !config.alerts.anomaly.enabled) {
    return CommitHookFactory();
  }
  // The channels alerts are delivered to (the environment over the
  // config): each retrying one gets its delivery row with the alert.
  Result<AlertChannels> channels = ResolveAlertChannels(ctx);
  if (!channels.ok()) return channels.status();
  config.alerts.channels = std::move(*channels);
  Result<BudgetCalendar> calendar = BudgetCalendarOf(ctx, args);
  if (!calendar.ok()) return calendar.status();
  Result<ProjectLookup> projects = ProjectLookupOf(ctx, args);
  if (!projects.ok()) return projects.status();
  return CommitHookFactory([config, calendar = *calendar, projects = *projects]() {
    return std::unique_ptr<CommitHook>(
        std::make_unique<BudgetEvaluator>(config, calendar, projects));
  });
}

}  // namespace cc::cli
