// The subcommands. Each returns the process exit code and does its own
// printing; none of them exits.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "cli/context.h"
#include "cli/flags.h"
#include "report/project_names.h"
#include "time/time_zone.h"

namespace cc {
struct ServiceOptions;
struct SyncReport;
}  // namespace cc

namespace cc::cli {

struct Command {
  std::string path;  // "bridge sync".
  std::string summary;
  std::string usage;
  std::string details;
  std::vector<std::string> flags;  // Beyond the global ones.
  int (*run)(const Context&, const ParsedArgs&);
};

const std::vector<Command>& Commands();

int RunBackfill(const Context& ctx, const ParsedArgs& args);
int RunSync(const Context& ctx, const ParsedArgs& args);
int RunMonitor(const Context& ctx, const ParsedArgs& args);
int RunService(const Context& ctx, const ParsedArgs& args);
int RunDashboard(const Context& ctx, const ParsedArgs& args);
int RunOtelServe(const Context& ctx, const ParsedArgs& args);
int RunTelemetryInit(const Context& ctx, const ParsedArgs& args);
int RunStatusLineInit(const Context& ctx, const ParsedArgs& args);
int RunSyncStatus(const Context& ctx, const ParsedArgs& args);
int RunValidate(const Context& ctx, const ParsedArgs& args);
int RunReprice(const Context& ctx, const ParsedArgs& args);
int RunRepair(const Context& ctx, const ParsedArgs& args);
int RunReportDaily(const Context& ctx, const ParsedArgs& args);
int RunReportWeekly(const Context& ctx, const ParsedArgs& args);
int RunReportMonthly(const Context& ctx, const ParsedArgs& args);
int RunReportSession(const Context& ctx, const ParsedArgs& args);
int RunReportBlocks(const Context& ctx, const ParsedArgs& args);
int RunReportLimits(const Context& ctx, const ParsedArgs& args);
int RunReportBudget(const Context& ctx, const ParsedArgs& args);
// --fail-over-budget (cli/cmd_budget.cc): runs `report`, then exits 1
// when a budget (--budget, else the config's) is at or over its limit,
// naming each on stderr. Its flags are checked before `report` runs.
int WithBudgetCheck(const Context& ctx, const ParsedArgs& args,
                    const std::function<int()>& report);
// Resolves its own settings (no Context: nothing may stop it).
int RunStatusline(const ParsedArgs& args);

// Runs the service (daemon/service.h) with `options`' parts until Ctrl-C,
// printing what it reports; ledger, prices, source and shipping come from
// `ctx`, the ledger's holder is `command`. `parts_optional`: the failure
// of the dashboard or the receiver names --no-dashboard, --no-otel.
int Serve(const Context& ctx, const std::string& command,
          ServiceOptions options, bool parts_optional);

// A sync's scan and file problems as warnings (missing roots quietly when
// one default root is there). `said` (the monitor): each message once, and
// missing roots left to the monitor's notices.
void ReportProblems(const Context& ctx, const SyncReport& report,
                    std::set<std::string>* said = nullptr);

// --timezone, else the config's "timezone", else the system's zone.
Result<TimeZone> ZoneFlag(const Context& ctx, const ParsedArgs& args);

// Columns of the terminal on stdout ($COLUMNS; a pipe: 1000).
size_t TerminalWidth();

// --project-aliases, else the config's "projectAliases".
Result<ProjectAliases> AliasesOf(const Context& ctx, const ParsedArgs& args);

// The first day of a week (0 = Sunday ... 6), for reports and the
// dashboard alike: --start-of-week, else the config's "startOfWeek",
// else Sunday (ccusage's default).
Result<int> StartOfWeekFlag(const Context& ctx, const ParsedArgs& args);

}  // namespace cc::cli
