// otel serve: Claude Code's OpenTelemetry into the ledger (otel/); and
// telemetry init: the settings that point Claude Code at it.
#include <poll.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "cli/commands.h"
#include "cli/service_memory.h"
#include "cli/ship.h"
#include "cli/telemetry_flags.h"
#include "core/clock.h"
#include "daemon/stop_signal.h"
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

Result<std::unique_ptr<OtlpReceiver>> StartOtlpReceiver(const Context& ctx,
                                                        const ParsedArgs& args,
                                                        TelemetryStore& ledger) {
  Result<OtlpReceiverOptions> options = OtlpOptionsFrom(args);
  if (!options.ok()) return options.status();
  auto mu = std::make_shared<std::mutex>();
  const std::string source = ctx.source;
  TelemetrySink sink = [&ledger, mu, source](const TelemetryBatch& b) {
    std::lock_guard<std::mutex> lock(*mu);
    return ledger.CommitTelemetry(b, source, SystemClock().NowMs());
  };
  Result<std::unique_ptr<OtlpReceiver>> r = OtlpReceiver::Start(*options, sink);
  if (!r.ok()) return r.status();
  if (ctx.verbosity >= 0) {
    std::fprintf(stderr, "context-cleaner: OpenTelemetry receiver at %s "
                         "(`context-cleaner telemetry init` points Claude Code at it)\n",
                 (*r)->Url().c_str());
  }
  return r;
}

int RunOtelServe(const Context& ctx, const ParsedArgs& args) {
  LimitMallocArenasForService();
  StopSignal stop;
  Result<std::unique_ptr<LedgerWriter>> ledger = LedgerWriter::Open(
      ctx.ledger_path, ctx.Holder("otel serve"), ctx.prices.get());
  if (!ledger.ok()) {
    PrintError(ledger.status().message());
    return ExitCodeFor(ledger.status());
  }
  Result<std::unique_ptr<OtlpReceiver>> r = StartOtlpReceiver(ctx, args, (*ledger)->telemetry());
  if (!r.ok()) {
    PrintError(r.status().message());
    return ExitCodeFor(r.status());
  }
  // With --clickhouse the telemetry ships as it arrives, as under `run`.
  BackgroundShipper shipper(ctx, /*cache=*/nullptr);
  shipper.Start();
  pollfd p{stop.fd(), POLLIN, 0};
  while (!stop.requested()) poll(&p, 1, 1000);
  (*r)->Stop();
  shipper.Stop();
  return kExitOk;
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
  if (!written.ok()) {
    PrintError(written.status().message());
    return ExitCodeFor(written.status());
  }
  PrintOut("updated " + path + (written->empty() ? "" : " (the old one kept as " + *written + ")") +
           "; restart Claude Code to start sending\n");
  return kExitOk;
}

}  // namespace cc::cli
