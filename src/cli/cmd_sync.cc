// bridge backfill and bridge sync --once.
#include <filesystem>
#include <system_error>
#include <thread>

#include "cli/alert_delivery.h"
#include "cli/budget_setup.h"
#include "cli/commands.h"
#include "cli/plural.h"
#include "cli/ship.h"
#include "cli/progress_bar.h"
#include "core/civil_time.h"
#include "cli/json_fields.h"
#include "core/json_writer.h"
#include "daemon/stop_signal.h"
#include "ledger/ledger_reader.h"
#include "ledger/ledger_writer.h"
#include "sync/syncer.h"

namespace cc::cli {
namespace {

size_t DefaultJobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

Result<std::optional<int64_t>> DateFlag(const ParsedArgs& args,
                                        const std::string& flag) {
  std::optional<std::string> text = args.Get(flag);
  if (!text) return std::optional<int64_t>();
  std::optional<int64_t> day = ParseDate(*text);
  if (!day) return Status::InvalidArgument(DateFlagError(flag, *text));
  return day;
}

std::string SummaryJson(const SyncReport& r, bool dry_run,
                        const ShipOutcome& shipped) {
  const RunCounters& c = r.counters;
  JsonWriter w;
  w.BeginObject().Field("dryRun", dry_run);
  RunCounterFields(w, c);
  w.Field("records", r.records)
      .Field("uniqueEventsFound", r.unique_events)
      .Field("unreadableFiles", static_cast<uint64_t>(r.file_problems.size()))
      .Key("seconds").Double(static_cast<double>(r.elapsed_ns) / 1e9)
      .Field("runId", r.run_id);
  if (shipped.attempted) {
    w.Key("shipping")
        .BeginObject()
        .Field("rowsShipped", shipped.rows_sent)
        .Field("batchesShipped", shipped.batches_sent)
        .Field("rowsRejectedByClickHouse", shipped.rows_rejected)
        .Field("rowsWaiting", shipped.rows_waiting)
        .Field("stopped", shipped.stopped)
        .Field("problem", shipped.problem)
        .EndObject();
  }
  w.EndObject();
  return w.Finish();
}

std::string SummaryText(const SyncReport& r, bool dry_run) {
  const RunCounters& c = r.counters;
  double seconds = static_cast<double>(r.elapsed_ns) / 1e9;
  double mb = static_cast<double>(c.bytes_read) / 1e6;
  char buf[768];
  std::snprintf(
      buf, sizeof buf,
      "%sfiles: %llu scanned, %llu new, %llu changed, %llu re-read, %llu gone\n"
      "read:  %.1f MB, %s, %s in %.2f s (%.0f MB/s)\n",
      dry_run ? "dry run: nothing was written; a real run would make these "
                "changes to the ledger:\n"
              : "",
      static_cast<unsigned long long>(c.files_scanned),
      static_cast<unsigned long long>(c.files_new),
      static_cast<unsigned long long>(c.files_changed),
      static_cast<unsigned long long>(c.files_reread),
      static_cast<unsigned long long>(c.files_gone), mb,
      Counted(c.lines, "line", "lines").c_str(),
      Counted(r.records, "usage record", "usage records").c_str(), seconds,
      seconds > 0 ? mb / seconds : 0.0);
  std::string out = buf;
  out += "events: " + WithThousands(c.events_new) + " new, " +
         WithThousands(c.events_updated) + " updated; " +
         Counted(c.rejects, "rejected line", "rejected lines");
  if (dry_run) {
    out += " (" + Counted(r.unique_events, "distinct event", "distinct events") +
           " found)";
  }
  out += "\n";
  if (c.rejects > 0 && !dry_run) {
    out += "       (see `context-cleaner bridge sync-status` for reasons)\n";
  }
  return out;
}

int RunPass(const Context& ctx, const ParsedArgs& args, SyncOptions options,
            const std::string& command) {
  options.roots = ctx.roots;
  options.source = ctx.source;
  std::unique_ptr<OutboxRowCache> row_cache;  // Outlives the ledger's commits.
  std::unique_ptr<CommitHook> budget_hook;    // So does this.
  std::unique_ptr<LedgerWriter> ledger;
  std::unique_ptr<LedgerReader> compare;  // A dry run's: what is there.
  std::error_code ec;
  if (options.dry_run && std::filesystem::exists(ctx.ledger_path, ec)) {
    Result<std::unique_ptr<LedgerReader>> opened =
        LedgerReader::Open(ctx.ledger_path, ctx.prices.get());
    if (!opened.ok()) return ErrorExit(opened.status());
    compare = std::move(*opened);
    options.dry_run_ledger = compare.get();
  }
  std::optional<AlertChannels> alerts;  // Where alerts go after the sync.
  if (!options.dry_run) {
    Result<CommitHookFactory> budgets = BudgetHookOf(ctx, args);
    if (!budgets.ok()) return ErrorExit(budgets.status());
    if (*budgets) budget_hook = (*budgets)();
    Result<AlertChannels> channels = ResolveAlertChannels(ctx);
    if (!channels.ok()) return ErrorExit(channels.status());
    alerts = std::move(*channels);
    Result<std::unique_ptr<LedgerWriter>> opened = LedgerWriter::Open(
        ctx.ledger_path, ctx.Holder(command), ctx.prices.get());
    if (!opened.ok()) return ErrorExit(opened.status());
    ledger = std::move(*opened);
    ledger->SetCommitHook(budget_hook.get());
    row_cache = MakeRowCache(ctx, ledger.get());
  }
  SystemClock clock;
  StopSignal stop;  // Ctrl-C: finish the batch in hand, commit, exit 0.
  options.stop = &stop.flag();
  Syncer syncer(ledger.get(), clock);
  ProgressBar bar(ctx.stderr_tty && ctx.verbosity >= 0 && !args.Has("--json"));
  Result<SyncReport> report = syncer.Run(options, &bar);
  bar.Clear();
  if (!report.ok()) return ErrorExit(report.status());
  ReportProblems(ctx, *report);
  WarnUnpricedModels(ctx, report->unpriced_models);
  if (report->interrupted) {
    PrintWarning(ctx, "interrupted: what was read is committed; the next run "
                      "goes on from there");
  }
  ShipOutcome shipped;
  if (!options.dry_run && !report->interrupted && !options.days.bounded()) {
    shipped = ShipOutbox(ctx, *ledger, row_cache.get());
    if (shipped.attempted && shipped.rows_waiting > 0) {
      PrintWarning(ctx, ShipOutcomeText(ctx, shipped));
    }
  }
  if (args.Has("--json")) {
    PrintOut(SummaryJson(*report, options.dry_run, shipped));
  } else if (ctx.verbosity >= 0) {
    PrintOut(SummaryText(*report, options.dry_run));
    if (shipped.attempted && shipped.rows_waiting == 0) {
      PrintOut(ShipOutcomeText(ctx, shipped));
    }
    if (report->counters.files_scanned == 0) {
      PrintOut("No Claude Code transcripts found yet; they appear under "
               "<dir>/projects/ once you use Claude Code.\n");
    }
  }
  if (alerts && !report->interrupted) DeliverAlertsAfterSync(ctx, *alerts);
  return kExitOk;
}

}  // namespace

void ReportProblems(const Context& ctx, const SyncReport& r,
                    std::set<std::string>* said) {
  size_t missing = 0;
  for (const ScanProblem& p : r.scan_problems) missing += p.root_missing;
  // Of the two default locations one is usually absent: say so only if
  // both are, or with -v.
  bool quiet_missing = said != nullptr ||
                       (ctx.default_roots && missing < ctx.roots.size() &&
                        ctx.verbosity < 1);
  auto say = [&](const std::string& message) {
    if (said == nullptr || said->insert(message).second) {
      PrintWarning(ctx, message);
    }
  };
  for (const ScanProblem& p : r.scan_problems) {
    if (p.root_missing && quiet_missing) continue;
    if (p.root_missing) {
      say("no transcripts at " + p.path + " (" + p.message + ")");
    } else {
      say(p.path + ": " + p.message);
    }
  }
  for (const FileProblem& p : r.file_problems) say(p.message);
}

int RunBackfill(const Context& ctx, const ParsedArgs& args) {
  SyncOptions options;
  options.mode = SyncMode::kBackfill;
  options.dry_run = args.Has("--dry-run");
  options.jobs = DefaultJobs();
  if (auto jobs = args.Get("--jobs")) {
    Result<size_t> n = ParseJobs(*jobs);
    if (!n.ok()) {
      PrintError(n.status().message());
      return kExitUsage;
    }
    options.jobs = *n;
  }
  for (const char* flag : {"--since", "--until"}) {
    Result<std::optional<int64_t>> day = DateFlag(args, flag);
    if (!day.ok()) {
      PrintError(day.status().message());
      return kExitUsage;
    }
    (std::string(flag) == "--since" ? options.days.since : options.days.until) =
        *day;
  }
  if (options.days.since && options.days.until &&
      *options.days.since > *options.days.until) {
    PrintError("--since: later than --until");
    return kExitUsage;
  }
  return RunPass(ctx, args, options, "bridge backfill");
}

int RunSync(const Context& ctx, const ParsedArgs& args) {
  int modes = args.Has("--once") + args.Has("--start-monitoring") +
              args.Has("--interval");
  if (modes != 1) {
    PrintError("bridge sync: say one of --once, --start-monitoring, "
               "--interval MINUTES");
    return kExitUsage;
  }
  if (!args.Has("--once")) return RunMonitor(ctx, args);
  if (args.Has("--poll") || args.Has("--reconcile")) {
    PrintError("--poll and --reconcile go with --start-monitoring");
    return kExitUsage;
  }
  SyncOptions options;
  options.mode = SyncMode::kOnce;
  options.jobs = DefaultJobs();
  return RunPass(ctx, args, options, "bridge sync --once");
}

}  // namespace cc::cli
