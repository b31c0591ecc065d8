// otel serve: Claude Code's OpenTelemetry into the ledger (otel/); and
// telemetry init: the settings that point Claude Code at it.
#include <cstdio>
#include <cstdlib>

#include "cli/budget_setup.h"
#include "cli/commands.h"
#include "cli/telemetry_flags.h"
#include "daemon/service.h"
#include "claude_settings/telemetry_settings.h"

namespace cc::cli {

Result<OtlpReceiverOptions> OtlpOptionsFrom(const ParsedArgs& args) {
  OtlpReceiverOptions o;
  if (std::optional<std::string> host = args.Get("--otel-host")) o.host = *host;
  if (std::optional<std::string> port = args.Get("--otel-port")) {
    char* end = nullptr;
    const long p = std::strtol(port->c_str(), &end, 10);
    if (end == port->c_str() || *end != '\0' || p < 0 || p > 65535) {
      return Status::InvalidArgument("--otel-port: expected 0-65535, got '" + *port + "'");
    }
    o.port = static_cast<int>(p);
  }
  return o;
}

void SayReceiverAt(const Context& ctx, const std::string& url) {
  if (ctx.verbosity < 0) return;
  std::fprintf(stderr, "context-cleaner: OpenTelemetry receiver at %s "
                       "(`context-cleaner telemetry init` points Claude Code at it)\n",
               url.c_str());
}

// The receiver alone, committing through the writer lock; with
// --clickhouse the telemetry ships as it arrives, as under `run`.
int RunOtelServe(const Context& ctx, const ParsedArgs& args) {
  Result<OtlpReceiverOptions> receiver = OtlpOptionsFrom(args);
  if (!receiver.ok()) return ErrorExit(receiver.status());
  ServiceOptions options;
  options.receiver = *receiver;
  Result<CommitHookFactory> budgets = BudgetHookOf(ctx, args);
  if (!budgets.ok()) return ErrorExit(budgets.status());
  options.commit_hook = *budgets;
  return Serve(ctx, "otel serve", std::move(options), /*parts_optional=*/false);
}

int RunTelemetryInit(const Context& ctx, const ParsedArgs& args) {
  Result<OtlpReceiverOptions> options = OtlpOptionsFrom(args);
  if (!options.ok()) return ErrorExit(options.status());
  Result<std::string> path =
      ClaudeSettingsPath(args.Get("--settings"), std::getenv("CLAUDE_CONFIG_DIR"), std::getenv("HOME"));
  if (!path.ok()) return ErrorExit(path.status());
  std::string endpoint = "http://" + options->host + ":";
  endpoint += std::to_string(options->port == 0 ? 4318 : options->port);
  if (!args.Has("--write")) {
    PrintOut(*MergeClaudeSettings("{}", endpoint));
    if (ctx.verbosity >= 0) {
      std::fprintf(stderr,
                   "context-cleaner: merge this into %s, or run "
                   "`context-cleaner telemetry init --write`\n",
                   path->c_str());
    }
    return kExitOk;
  }
  Result<SettingsUpdate> written = WriteTelemetrySettings(*path, endpoint, args.Has("--force"));
  if (!written.ok()) return ErrorExit(written.status());
  switch (written->outcome) {
    case SettingsUpdate::Outcome::kUnchanged:
      PrintOut(*path + " already sends Claude Code's telemetry to " + endpoint +
               "; nothing changed\n");
      break;
    case SettingsUpdate::Outcome::kCreated:
      PrintOut("created " + *path + "; restart Claude Code to start sending to " + endpoint +
               "\n");
      break;
    case SettingsUpdate::Outcome::kUpdated:
      PrintOut("updated " + *path + " (the old one kept as " + written->backup +
               "); restart Claude Code to start sending to " + endpoint + "\n");
      break;
  }
  return kExitOk;
}

}  // namespace cc::cli
