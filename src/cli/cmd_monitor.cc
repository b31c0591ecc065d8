// The long-running commands: `bridge sync --start-monitoring`,
// `bridge sync --interval MINUTES`, and `run` (the all-in-one service):
// their flags into ServiceOptions (daemon/service.h), and what the service
// reports onto the terminal.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <thread>

#include "cli/commands.h"
#include "cli/plural.h"
#include "cli/dashboard_flags.h"
#include "cli/service_memory.h"
#include "cli/telemetry_flags.h"
#include "core/terminal_text.h"
#include "daemon/service.h"
#include "daemon/stop_signal.h"
#include "report/report_render.h"

namespace cc::cli {
namespace {

std::string LocalTime() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S", std::localtime(&t));
  return buf;
}

// Prints what the service reports: one line per pass that changed
// something (every pass with -v), where the dashboard and the receiver
// listen, shipping's troubles, and a ledger replaced under it.
class ServicePrinter final : public ServiceObserver {
 public:
  // `with_token`: the dashboard asks for the token the user gave.
  ServicePrinter(const Context& ctx, bool with_token)
      : ctx_(ctx), with_token_(with_token) {}

  void OnPass(const char* why, const SyncReport& r) override {
    WarnUnpricedModels(ctx_, r.unpriced_models);
    // A file that cannot be read (a FIFO swapped in, permissions) is said
    // once, not at every pass that meets it.
    ReportProblems(ctx_, r, &warned_);
    const RunCounters& c = r.counters;
    bool changed =
        c.events_new + c.events_updated + c.rejects + c.files_gone > 0;
    if (ctx_.verbosity < 0 || (!changed && ctx_.verbosity < 1)) return;
    // Appended piece by piece: g++ 12 at -O2 warns falsely (-Wrestrict) on
    // chains of `"literal" + std::string`.
    std::string line = LocalTime();
    line.append(" ").append(why).append(": ");
    if (changed) {
      line.append("+").append(WithThousands(c.events_new)).append(" events, ");
      line.append(WithThousands(c.events_updated)).append(" updated, +");
      line.append(WithThousands(r.tokens_added)).append(" tokens");
    } else {
      line.append("no change");
    }
    line.append(" (").append(WithThousands(c.files_scanned)).append(" files, ");
    line.append(WithThousands(c.bytes_read)).append(" bytes read");
    if (c.rejects > 0) {
      line.append(", ")
          .append(WithThousands(c.rejects))
          .append(" rejected lines");
    }
    if (c.files_gone > 0) {
      line.append(", ").append(WithThousands(c.files_gone)).append(" gone");
    }
    line.append(")\n");
    PrintOut(line);
  }

  void OnNotice(const std::string& message) override {
    PrintWarning(ctx_, message);
  }

  void OnMonitoring(MonitorMode mode) override {
    if (ctx_.verbosity < 0) return;
    std::fprintf(stderr,
                 "context-cleaner: keeping %s current (%s%s%s); Ctrl-C to "
                 "stop\n",
                 TerminalSafe(ctx_.ledger_path).c_str(),
                 mode == MonitorMode::kWatch  ? "watching"
                 : mode == MonitorMode::kPoll ? "polling"
                                              : "every interval",
                 ctx_.clickhouse ? ", shipping to " : "",
                 ctx_.clickhouse ? ctx_.clickhouse->Redacted().c_str() : "");
  }

  void OnDashboard(const std::string& url) override {
    SayDashboardAt(ctx_, url, with_token_);
  }
  void OnReceiver(const std::string& url) override { SayReceiverAt(ctx_, url); }
  void OnReceiverUnavailable(const Status& why) override {
    // The default port is taken (an OpenTelemetry Collector, another
    // `run`): the service runs on without the receiver, and says so.
    PrintWarning(ctx_, why.message() +
                           "; running without the OpenTelemetry receiver "
                           "(--otel-port PORT picks another)");
  }

  void OnLedgerReplaced(const Status& why) override {
    std::error_code ec;
    const bool file_there = std::filesystem::exists(ctx_.ledger_path, ec);
    PrintWarning(
        ctx_,
        why.message() + ". " +
            (file_there ? "Opening the ledger now at " + ctx_.ledger_path +
                              " (with a new lock); it goes on from its own "
                              "checkpoints"
                        : "Making a new ledger at " + ctx_.ledger_path +
                              " and reading every transcript into it; events "
                              "of transcripts that no longer exist are gone "
                              "with the old file"));
  }

 private:
  const Context& ctx_;
  const bool with_token_;
  std::set<std::string> warned_;
};

Result<std::chrono::milliseconds> Seconds(const ParsedArgs& args,
                                          const std::string& flag,
                                          double unit_seconds,
                                          std::chrono::milliseconds fallback) {
  std::optional<std::string> text = args.Get(flag);
  if (!text) return fallback;
  char* end = nullptr;
  double value = std::strtod(text->c_str(), &end);
  if (end == text->c_str() || *end != '\0' || !(value > 0) || value > 1e6) {
    return Status::InvalidArgument(
        flag + ": expected a positive number, got '" + *text + "'");
  }
  return std::chrono::milliseconds(
      static_cast<int64_t>(value * unit_seconds * 1000));
}

// A service with the monitor the flags ask for.
Result<ServiceOptions> MonitorServiceFrom(const Context& ctx,
                                          const ParsedArgs& args) {
  MonitorOptions o;
  o.roots = ctx.roots;
  o.source = ctx.source;
  o.jobs = std::max(1u, std::thread::hardware_concurrency());
  o.mode = args.Has("--interval") ? MonitorMode::kInterval
           : args.Has("--poll")   ? MonitorMode::kPoll
                                  : MonitorMode::kWatch;
  Result<std::chrono::milliseconds> poll =
      Seconds(args, "--poll", 1, o.poll_interval);
  if (!poll.ok()) return poll.status();
  o.poll_interval = *poll;
  Result<std::chrono::milliseconds> interval =
      Seconds(args, "--interval", 60, o.interval);
  if (!interval.ok()) return interval.status();
  o.interval = *interval;
  Result<std::chrono::milliseconds> reconcile =
      Seconds(args, "--reconcile", 1, o.reconcile);
  if (!reconcile.ok()) return reconcile.status();
  o.reconcile = *reconcile;
  ServiceOptions service;
  service.monitor = std::move(o);
  return service;
}

}  // namespace

int Serve(const Context& ctx, const std::string& command,
          ServiceOptions options, bool parts_optional) {
  LimitMallocArenasForService();
  options.ledger_path = ctx.ledger_path;
  options.holder = ctx.Holder(command);
  options.prices = ctx.prices.get();
  options.source = ctx.source;
  if (ctx.clickhouse) {
    options.shipping =
        ShippingTarget{*ctx.clickhouse, ctx.cluster, ctx.user_label};
  }
  ServicePrinter printer(
      ctx, options.dashboard && !options.dashboard->auth_token.empty());
  StopSignal stop;  // First: a SIGTERM during start-up is a clean stop too.
  Service service(std::move(options), printer);
  Status s = service.Run(stop);
  if (s.ok()) return kExitOk;
  std::string message = s.message();
  if (parts_optional && service.failed_part() == ServicePart::kDashboard) {
    message += " (or run with --no-dashboard)";
  } else if (parts_optional &&
             service.failed_part() == ServicePart::kReceiver) {
    message += " (or run with --no-otel)";
  }
  PrintError(message);
  return ExitCodeFor(s);
}

int RunMonitor(const Context& ctx, const ParsedArgs& args) {
  if (args.Has("--interval") && args.Has("--start-monitoring")) {
    PrintError("--interval: choose it or --start-monitoring, not both");
    return kExitUsage;
  }
  Result<ServiceOptions> options = MonitorServiceFrom(ctx, args);
  if (!options.ok()) {
    PrintError(options.status().message());
    return kExitUsage;
  }
  return Serve(ctx,
               args.Has("--interval") ? "bridge sync --interval"
                                      : "bridge sync --start-monitoring",
               std::move(*options), /*parts_optional=*/false);
}

// `run`: the monitor, the dashboard (--no-dashboard) and the OpenTelemetry
// receiver (--no-otel; on the default port only if it is free).
int RunService(const Context& ctx, const ParsedArgs& args) {
  Result<ServiceOptions> options = MonitorServiceFrom(ctx, args);
  if (!options.ok()) {
    PrintError(options.status().message());
    return kExitUsage;
  }
  if (!args.Has("--no-dashboard")) {
    Result<DashboardOptions> dashboard = DashboardOptionsFrom(ctx, args);
    if (!dashboard.ok()) {
      PrintError(dashboard.status().message());
      return kExitUsage;
    }
    options->dashboard = std::move(*dashboard);
  }
  if (!args.Has("--no-otel")) {
    Result<OtlpReceiverOptions> receiver = OtlpOptionsFrom(args);
    if (!receiver.ok()) {
      PrintError(receiver.status().message() + " (or run with --no-otel)");
      return ExitCodeFor(receiver.status());
    }
    options->receiver = *receiver;
    options->receiver_optional =
        !args.Has("--otel-port") && !args.Has("--otel-host");
  }
  return Serve(ctx, "run", std::move(*options), /*parts_optional=*/true);
}

}  // namespace cc::cli
