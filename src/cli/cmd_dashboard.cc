// dashboard: serve the live dashboard until Ctrl-C (see dashboard/).
#include <poll.h>

#include <cstdio>
#include <cstdlib>

#include "cli/auth_token.h"
#include "cli/budget_setup.h"
#include "cli/commands.h"
#include "cli/dashboard_flags.h"
#include "cli/service_memory.h"
#include "core/terminal_text.h"
#include "clickhouse/http_client.h"
#include "daemon/stop_signal.h"
#include "dashboard/clickhouse_source.h"

namespace cc::cli {

Result<DashboardOptions> DashboardOptionsFrom(const Context& ctx,
                                              const ParsedArgs& args) {
  DashboardOptions o;
  o.ledger_path = ctx.ledger_path;
  o.prices = ctx.prices.get();
  o.version = "0.1.0";
  o.shipping_configured = ctx.clickhouse.has_value();
  if (std::optional<std::string> host = args.Get("--host")) {
    if (host->empty()) return Status::InvalidArgument("--host: empty");
    o.host = *host;
  }
  if (std::optional<std::string> port = args.Get("--port")) {
    char* end = nullptr;
    const long p = std::strtol(port->c_str(), &end, 10);
    if (end == port->c_str() || *end != '\0' || p < 0 || p > 65535) {
      return Status::InvalidArgument("--port: expected 0-65535, got '" + *port + "'");
    }
    o.port = static_cast<int>(p);
  }
  Result<AuthToken> token = ResolveAuthToken(AuthTokenInputsFromEnvironment(
      args.Get("--auth-token"), args.Get("--auth-token-file")));
  if (!token.ok()) return token.status();
  for (const std::string& w : token->warnings) PrintWarning(ctx, w);
  o.auth_token = std::move(token->token);
  Result<TimeZone> zone = ZoneFlag(ctx, args);
  if (!zone.ok()) return zone.status();
  o.zone = *zone;
  Result<int> week_start = StartOfWeekFlag(ctx, args);
  if (!week_start.ok()) return week_start.status();
  o.start_of_week = *week_start;
  // The config's budgets, those the writers' evaluator fires alerts for
  // (cli/budget_setup.h), their projects found as `report budget` finds
  // them; their calendar is the zone and week start above.
  o.budgets.budgets = ctx.budgets.budgets;
  o.budgets.alerts = ctx.budgets.alerts;
  if (!o.budgets.budgets.empty()) {
    Result<ProjectLookup> projects = ProjectLookupOf(ctx, args);
    if (!projects.ok()) return projects.status();
    o.budgets.projects = std::move(*projects);
  }
  return o;
}

void SayDashboardAt(const Context& ctx, const std::string& serves, const std::string& url,
                    bool with_token) {
  if (ctx.verbosity < 0) return;
  std::fprintf(stderr, "context-cleaner: dashboard at %s%s for %s\n", url.c_str(),
               with_token ? "?token=... (the token you gave)" : "",
               TerminalSafe(serves).c_str());
}

// --from clickhouse: the team's ClickHouse, all machines or --source's.
Result<std::unique_ptr<DashboardSource>> ClickHouseSourceFor(
    const Context& ctx, const ParsedArgs& args) {
  if (!ctx.clickhouse) {
    return Status::InvalidArgument(
        "--from clickhouse: say where with --clickhouse URL (or "
        "$CONTEXT_CLEANER_CLICKHOUSE, or \"clickhouse\" in the config file)");
  }
  Result<std::unique_ptr<HttpClient>> http =
      MakeCurlHttpClient(CurlOptions{ctx.clickhouse->ca_file});
  if (!http.ok()) return http.status();
  return MakeClickHouseSource(std::move(*http), *ctx.clickhouse,
                              args.Get("--source"));
}

int RunDashboard(const Context& ctx, const ParsedArgs& args) {
  LimitMallocArenasForService();
  const std::string from = args.Get("--from").value_or("ledger");
  if (from != "ledger" && from != "clickhouse") {
    PrintError("--from: ledger or clickhouse, got '" + from + "'");
    return kExitUsage;
  }
  Result<DashboardOptions> options = DashboardOptionsFrom(ctx, args);
  if (!options.ok()) {
    PrintError(options.status().message());
    return kExitUsage;
  }
  std::unique_ptr<DashboardSource> source;
  if (from == "clickhouse") {
    Result<std::unique_ptr<DashboardSource>> ch = ClickHouseSourceFor(ctx, args);
    if (!ch.ok()) {
      PrintError(ch.status().message());
      return kExitUsage;
    }
    source = std::move(*ch);
  }
  StopSignal stop;
  const bool with_token = !options->auth_token.empty();
  Result<std::unique_ptr<DashboardServer>> server =
      DashboardServer::Start(std::move(*options), std::move(source));
  if (!server.ok()) return ErrorExit(server.status());
  SayDashboardAt(ctx,
                 from == "clickhouse" ? "ClickHouse " + ctx.clickhouse->Redacted()
                                      : "the ledger " + ctx.ledger_path,
                 (*server)->Url(), with_token);
  if (ctx.verbosity >= 0) std::fprintf(stderr, "context-cleaner: Ctrl-C to stop\n");
  pollfd p{stop.fd(), POLLIN, 0};
  while (!stop.requested()) poll(&p, 1, 1000);
  (*server)->Stop();
  return kExitOk;
}

}  // namespace cc::cli
