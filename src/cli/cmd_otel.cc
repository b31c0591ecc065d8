// otel serve: Claude Code's OpenTelemetry into the ledger (otel/); and
// telemetry init: the settings that point Claude Code at it.
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/telemetry_flags.h"
#include "daemon/service.h"
#include "otel/settings_merge.h"

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
  return Serve(ctx, "otel serve", std::move(options), /*parts_optional=*/false);
}

int RunTelemetryInit(const Context& ctx, const ParsedArgs& args) {
  Result<OtlpReceiverOptions> options = OtlpOptionsFrom(args);
  if (!options.ok()) {
    PrintError(options.status().message());
    return kExitUsage;
  }
  const std::string endpoint =
      "http://" + options->host + ":" + std::to_string(options->port == 0 ? 4318 : options->port);
  if (!args.Has("--write")) {
    PrintOut(*MergeClaudeSettings("{}", endpoint));
    if (ctx.verbosity >= 0) {
      std::fprintf(stderr,
                   "context-cleaner: merge this into ~/.claude/settings.json, or run "
                   "`context-cleaner telemetry init --write`\n");
    }
    return kExitOk;
  }
  const char* home = std::getenv("HOME");
  const std::string path =
      args.Get("--settings").value_or(std::string(home ? home : ".") + "/.claude/settings.json");
  Result<std::string> written = WriteClaudeSettings(path, endpoint);
  if (!written.ok()) return ErrorExit(written.status());
  PrintOut("updated " + path + (written->empty() ? "" : " (the old one kept as " + *written + ")") +
           "; restart Claude Code to start sending\n");
  return kExitOk;
}

}  // namespace cc::cli
