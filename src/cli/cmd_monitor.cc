// The long-running commands: `bridge sync --start-monitoring`,
// `bridge sync --interval MINUTES`, and `run` (the all-in-one service):
// keep the ledger current and, with --clickhouse, ship beside it.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <thread>

#include "cli/commands.h"
#include "cli/service_memory.h"
#include "cli/dashboard_flags.h"
#include "cli/telemetry_flags.h"
#include "cli/ship.h"
#include "core/civil_time.h"
#include "core/terminal_text.h"
#include "daemon/monitor.h"
#include "daemon/stop_signal.h"
#include "ledger/ledger_writer.h"
#include "report/report_render.h"
#include "watch/inotify_watcher.h"

namespace cc::cli {
namespace {

std::string LocalTime() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S", std::localtime(&t));
  return buf;
}

// Prints one line per pass that changed something (every pass with -v).
// After every pass it checks that the ledger path still names the file
// being written: a ledger deleted or replaced under the monitor would take
// every later commit with it. Then it says so and stops the monitor, for
// MonitorAndShip to start again on a new ledger at the path.
class MonitorPrinter final : public MonitorObserver {
 public:
  MonitorPrinter(const Context& ctx, const LedgerWriter& ledger, StopSignal& stop)
      : ctx_(ctx), ledger_(ledger), stop_(stop) {}

  bool ledger_replaced() const { return ledger_replaced_; }

  void OnPass(const char* why, const SyncReport& r) override {
    CheckLedgerStillThere();
    WarnUnpricedModels(ctx_, r.unpriced_models);
    WarnOnce(r);
    const RunCounters& c = r.counters;
    bool changed = c.events_new + c.events_updated + c.rejects + c.files_gone > 0;
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
      line.append(", ").append(WithThousands(c.rejects)).append(" rejected lines");
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

  // A file that cannot be read (a FIFO swapped in, permissions) is said
  // once, not at every pass that meets it.
  void WarnOnce(const SyncReport& r) {
    for (const ScanProblem& p : r.scan_problems) {
      if (!p.root_missing && warned_.insert(p.path + ": " + p.message).second) {
        PrintWarning(ctx_, p.path + ": " + p.message);
      }
    }
    for (const FileProblem& p : r.file_problems) {
      if (warned_.insert(p.message).second) PrintWarning(ctx_, p.message);
    }
  }

 private:
  void CheckLedgerStillThere() {
    if (ledger_replaced_) return;
    Status s = ledger_.CheckStillAtPath();
    if (s.ok()) return;
    ledger_replaced_ = true;
    std::error_code ec;
    const bool file_there = std::filesystem::exists(ctx_.ledger_path, ec);
    PrintWarning(ctx_,
                 s.message() + ". " +
                 (file_there
                      ? "Opening the ledger now at " + ctx_.ledger_path +
                            " (with a new lock); it goes on from its own "
                            "checkpoints"
                      : "Making a new ledger at " + ctx_.ledger_path +
                            " and reading every transcript into it; events "
                            "of transcripts that no longer exist are gone "
                            "with the old file"));
    stop_.Request();
  }

  const Context& ctx_;
  const LedgerWriter& ledger_;
  StopSignal& stop_;
  std::set<std::string> warned_;
  bool ledger_replaced_ = false;
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
    return Status::InvalidArgument(flag + ": expected a positive number, got '" +
                                   *text + "'");
  }
  return std::chrono::milliseconds(
      static_cast<int64_t>(value * unit_seconds * 1000));
}

Result<MonitorOptions> MonitorOptionsFrom(const Context& ctx,
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
  return o;
}

}  // namespace

int RunMonitor(const Context& ctx, const ParsedArgs& args) {
  if (args.Has("--interval") && args.Has("--start-monitoring")) {
    PrintError("--interval: choose it or --start-monitoring, not both");
    return kExitUsage;
  }
  return MonitorAndShip(ctx, args,
                        args.Has("--interval")
                            ? "bridge sync --interval"
                            : "bridge sync --start-monitoring");
}

int RunService(const Context& ctx, const ParsedArgs& args) {
  return MonitorAndShip(ctx, args, "run");
}

namespace {

// One monitoring session on the ledger at ctx.ledger_path, until a stop
// or (*ledger_replaced) the ledger file was deleted or replaced.
int MonitorSession(const Context& ctx, const ParsedArgs& args,
                   const std::string& command, MonitorOptions options,
                   bool* ledger_replaced) {
  StopSignal stop;  // First: a SIGTERM during start-up is a clean stop too.
  std::unique_ptr<OutboxRowCache> row_cache;  // Outlives the ledger's commits.
  Result<std::unique_ptr<LedgerWriter>> ledger = LedgerWriter::Open(
      ctx.ledger_path, ctx.Holder(command), ctx.prices.get());
  if (!ledger.ok()) {
    PrintError(ledger.status().message());
    return ExitCodeFor(ledger.status());
  }
  row_cache = MakeRowCache(ctx, ledger->get());
  std::unique_ptr<InotifyWatcher> watcher;
  if (options.mode == MonitorMode::kWatch) {
    Result<std::unique_ptr<InotifyWatcher>> created = InotifyWatcher::Create();
    if (created.ok()) {
      watcher = std::move(*created);
    } else {
      PrintWarning(ctx, created.status().message() + "; polling instead");
      options.mode = MonitorMode::kPoll;
    }
  }
  SystemClock clock;
  MonitorPrinter printer(ctx, **ledger, stop);
  if (ctx.verbosity >= 0) {
    std::fprintf(stderr,
                 "context-cleaner: keeping %s current (%s%s%s); Ctrl-C to "
                 "stop\n",
                 TerminalSafe(ctx.ledger_path).c_str(),
                 options.mode == MonitorMode::kWatch  ? "watching"
                 : options.mode == MonitorMode::kPoll ? "polling"
                                                      : "every interval",
                 ctx.clickhouse ? ", shipping to " : "",
                 ctx.clickhouse ? ctx.clickhouse->Redacted().c_str() : "");
  }
  // `run`: the dashboard too, once the ledger exists.
  std::unique_ptr<DashboardServer> dashboard;
  if (command == "run" && !args.Has("--no-dashboard")) {
    Result<DashboardOptions> dopts = DashboardOptionsFrom(ctx, args);
    if (!dopts.ok()) {
      PrintError(dopts.status().message());
      return kExitUsage;
    }
    Result<std::unique_ptr<DashboardServer>> started = StartDashboard(ctx, *dopts);
    if (!started.ok()) {
      PrintError(started.status().message() + " (or run with --no-dashboard)");
      return ExitCodeFor(started.status());
    }
    dashboard = std::move(*started);
  }
  // `run`: the OpenTelemetry receiver, on a connection of its own.
  std::unique_ptr<TelemetryStore> telemetry_ledger;
  std::unique_ptr<OtlpReceiver> receiver;
  if (command == "run" && !args.Has("--no-otel")) {
    Result<std::unique_ptr<TelemetryStore>> companion =
        TelemetryStore::Open(ctx.ledger_path, ctx.prices.get());
    if (!companion.ok()) {
      PrintError(companion.status().message());
      return ExitCodeFor(companion.status());
    }
    telemetry_ledger = std::move(*companion);
    Result<std::unique_ptr<OtlpReceiver>> started =
        StartOtlpReceiver(ctx, args, *telemetry_ledger);
    if (started.ok()) {
      receiver = std::move(*started);
    } else if (args.Has("--otel-port") || args.Has("--otel-host")) {
      PrintError(started.status().message() + " (or run with --no-otel)");
      return ExitCodeFor(started.status());
    } else {
      // The default port is taken (an OpenTelemetry Collector, another
      // `run`): the service runs on without the receiver, and says so.
      PrintWarning(ctx, started.status().message() +
                            "; running without the OpenTelemetry receiver "
                            "(--otel-port PORT picks another)");
    }
  }
  Monitor monitor(**ledger, options, clock, watcher.get(), &printer);
  BackgroundShipper shipper(ctx, row_cache.get());  // With --clickhouse: ships beside it.
  shipper.Start();
  Status s = monitor.Run(stop.fd(), stop.flag());
  shipper.Stop();
  if (dashboard) dashboard->Stop();
  if (receiver) receiver->Stop();
  *ledger_replaced = printer.ledger_replaced();
  if (!s.ok()) {
    PrintError(s.message());
    return ExitCodeFor(s);
  }
  return kExitOk;
}

}  // namespace

int MonitorAndShip(const Context& ctx, const ParsedArgs& args,
                   const std::string& command) {
  LimitMallocArenasForService();
  Result<MonitorOptions> options = MonitorOptionsFrom(ctx, args);
  if (!options.ok()) {
    PrintError(options.status().message());
    return kExitUsage;
  }
  // A session ends early only when its ledger file was deleted or
  // replaced: the next one makes a new ledger there and catches up from
  // every transcript's first byte (an empty ledger has no checkpoints).
  for (;;) {
    bool ledger_replaced = false;
    const int code =
        MonitorSession(ctx, args, command, *options, &ledger_replaced);
    if (!ledger_replaced) return code;
  }
}

}  // namespace cc::cli
