// The subcommands. Each returns the process exit code and does its own
// printing; none of them exits.
#pragma once

#include <string>
#include <vector>

#include "cli/context.h"
#include "cli/flags.h"
#include "time/time_zone.h"

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
// What RunMonitor and RunService share; `command` names the ledger's holder.
int MonitorAndShip(const Context& ctx, const ParsedArgs& args,
                   const std::string& command);
int RunDashboard(const Context& ctx, const ParsedArgs& args);
int RunOtelServe(const Context& ctx, const ParsedArgs& args);
int RunTelemetryInit(const Context& ctx, const ParsedArgs& args);
int RunSyncStatus(const Context& ctx, const ParsedArgs& args);
int RunValidate(const Context& ctx, const ParsedArgs& args);
int RunReprice(const Context& ctx, const ParsedArgs& args);
int RunRepair(const Context& ctx, const ParsedArgs& args);
int RunReportDaily(const Context& ctx, const ParsedArgs& args);
int RunReportWeekly(const Context& ctx, const ParsedArgs& args);
int RunReportMonthly(const Context& ctx, const ParsedArgs& args);
int RunReportSession(const Context& ctx, const ParsedArgs& args);
int RunReportBlocks(const Context& ctx, const ParsedArgs& args);

// --timezone, else the config's "timezone", else the system's zone.
Result<TimeZone> ZoneFlag(const Context& ctx, const ParsedArgs& args);

}  // namespace cc::cli
