// The long-running commands: `bridge sync --start-monitoring`,
// `bridge sync --interval MINUTES`, and `run` (the all-in-one service):
// their flags into ServiceOptions (daemon/service.h), and what the service
// reports onto the terminal.
#include <chrono>
#include <cstdio>
#include <mutex>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <thread>

#include "alert/log_channel.h"
#include "cli/alert_delivery.h"
#include "cli/budget_setup.h"
#include "cli/commands.h"
#include "cli/plural.h"
#include "cli/dashboard_flags.h"
#include "cli/duration_text.h"
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
  // `with_token`: the dashboard asks for the token the user gave;
  // `period`: of the polling or interval passes.
  ServicePrinter(const Context& ctx, bool with_token,
                 std::chrono::milliseconds period)
      : ctx_(ctx), with_token_(with_token), period_(period),
        started_(std::chrono::steady_clock::now()) {}

  // One line on stopping: how long it ran and what its passes synced.
  std::string StopSummary() const {
    std::lock_guard<std::mutex> lock(mu_);
    const auto ran = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started_);
    std::string line = "stopped after " + DurationText(ran.count()) + ": " +
                       Counted(passes_, "sync pass", "sync passes");
    if (passes_ > 0) {
      line.append(" (").append(WithThousands(changed_passes_)).append(" with changes), ");
      line.append(Counted(totals_.events_new, "new event", "new events")).append(", ");
      line.append(WithThousands(totals_.events_updated)).append(" updated, +");
      line.append(Counted(tokens_, "token", "tokens"));
      if (totals_.rejects > 0) {
        line.append(", ").append(
            Counted(totals_.rejects, "rejected line", "rejected lines"));
      }
    }
    return line;
  }

  void OnPass(const char* why, const SyncReport& r) override {
    const RunCounters& counted = r.counters;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++passes_;
      if (counted.events_new + counted.events_updated + counted.rejects +
              counted.files_gone > 0) {
        ++changed_passes_;
      }
      totals_.events_new += counted.events_new;
      totals_.events_updated += counted.events_updated;
      totals_.rejects += counted.rejects;
      tokens_ += r.tokens_added;
    }
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
      line.append("+").append(Counted(c.events_new, "event", "events")).append(", ");
      line.append(WithThousands(c.events_updated)).append(" updated, +");
      line.append(WithThousands(r.tokens_added)).append(" tokens");
    } else {
      line.append("no change");
    }
    line.append(" (").append(Counted(c.files_scanned, "file", "files")).append(", ");
    line.append(Counted(c.bytes_read, "byte", "bytes")).append(" read");
    if (c.rejects > 0) {
      line.append(", ").append(
          Counted(c.rejects, "rejected line", "rejected lines"));
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
    const std::string how =
        mode == MonitorMode::kWatch  ? std::string("watching")
        : mode == MonitorMode::kPoll ? "polling every " + DurationText(period_.count())
                                     : "a pass every " + DurationText(period_.count());
    std::fprintf(stderr,
                 "context-cleaner: keeping %s current (%s%s%s); Ctrl-C to "
                 "stop\n",
                 TerminalSafe(ctx_.ledger_path).c_str(), how.c_str(),
                 ctx_.clickhouse ? ", shipping to " : "",
                 ctx_.clickhouse ? ctx_.clickhouse->Redacted().c_str() : "");
  }

  void OnDashboard(const std::string& url) override {
    SayDashboardAt(ctx_, "the ledger " + ctx_.ledger_path, url, with_token_);
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
  const std::chrono::milliseconds period_;
  const std::chrono::steady_clock::time_point started_;
  std::set<std::string> warned_;
  mutable std::mutex mu_;  // OnPass comes from the monitor's thread.
  uint64_t passes_ = 0;
  uint64_t changed_passes_ = 0;
  RunCounters totals_;
  uint64_t tokens_ = 0;
};

constexpr double kMinIntervalMinutes = 0.1;

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
  if (flag == "--interval" && value < kMinIntervalMinutes) {
    // Passes every few seconds are polling: --poll says so, and
    // --start-monitoring reads each line as it is written.
    return Status::InvalidArgument(
        "--interval: at least 0.1 (minutes: a pass every 6 s), got '" + *text +
        "'; for more often, --start-monitoring reads each line within "
        "milliseconds of its being written");
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
  Result<AlertChannels> alerts = ResolveAlertChannels(ctx);
  if (!alerts.ok()) return ErrorExit(alerts.status());
  options.alerts = std::move(*alerts);
  options.alert_log_path = DefaultAlertLogPath();
  std::chrono::milliseconds period{0};
  if (options.monitor) {
    period = options.monitor->mode == MonitorMode::kInterval
                 ? options.monitor->interval
                 : options.monitor->poll_interval;
  }
  ServicePrinter printer(
      ctx, options.dashboard && !options.dashboard->auth_token.empty(), period);
  StopSignal stop;  // First: a SIGTERM during start-up is a clean stop too.
  const bool monitoring = options.monitor.has_value();
  Service service(std::move(options), printer);
  Status s = service.Run(stop);
  if (monitoring && ctx.verbosity >= 0) {
    std::fprintf(stderr, "context-cleaner: %s\n",
                 TerminalSafe(printer.StopSummary()).c_str());
  }
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
  Result<CommitHookFactory> budgets = BudgetHookOf(ctx, args);
  if (!budgets.ok()) return ErrorExit(budgets.status());
  options->commit_hook = *budgets;
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
  Result<CommitHookFactory> budgets = BudgetHookOf(ctx, args);
  if (!budgets.ok()) return ErrorExit(budgets.status());
  options->commit_hook = *budgets;
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
