// bridge validate: check the file (SQLite's integrity_check), then re-derive
// totals from the files, compare, exit 1 on any damage or difference.
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/plural.h"
#include "cli/json_fields.h"
#include "cli/ship.h"
#include "clickhouse/totals_check.h"
#include "core/civil_time.h"
#include "core/json_writer.h"
#include "core/terminal_text.h"
#include "ledger/ledger_reader.h"
#include "price/price_table.h"
#include "report/report_render.h"
#include "validate/validator.h"

namespace cc::cli {
namespace {

// What to do about a mismatch, most likely cause first: each step names the
// command that mends it, then how to look at the days that differ.
std::vector<std::string> NextSteps(const ValidationReport& r) {
  std::vector<std::string> steps;
  if (r.ok()) return steps;
  bool tokens_differ = false;
  bool costs_differ = false;
  std::optional<int64_t> first_day;
  for (const DayComparison& d : r.days) {
    if (d.matches()) continue;
    if (!first_day) first_day = d.day;
    if (!(d.files == d.ledger) || d.file_events != d.ledger_events) {
      tokens_differ = true;
    } else {
      costs_differ = true;
    }
  }
  if (r.events_missing_from_ledger > 0) {
    steps.push_back(
        "the transcripts hold " +
        Counted(r.events_missing_from_ledger, "event", "events") +
        " the ledger lacks: `context-cleaner bridge sync --once` reads what "
        "was written since the last sync; if they are still missing, "
        "`context-cleaner bridge backfill` re-reads every file and merges "
        "them in");
  } else if (tokens_differ) {
    steps.push_back(
        "`context-cleaner bridge backfill` re-reads every file and merges "
        "the larger counts in (the ledger keeps the largest it has seen)");
  }
  if (r.events_only_in_ledger > 0) {
    steps.push_back(
        Counted(r.events_only_in_ledger, "event is", "events are") +
        " in the ledger but no longer in the file it came from (the file was "
        "rewritten or cut short after it was read): the ledger keeps them; "
        "nothing to do if that was deliberate");
  }
  if (costs_differ) {
    steps.push_back(
        "costs differ with equal tokens: `context-cleaner bridge reprice` "
        "recomputes every cost with the current price table");
  }
  if (first_day) {
    const std::string day = FormatDate(*first_day);
    steps.push_back("to look closer: `context-cleaner bridge validate --json` "
                    "lists every day (those with \"match\": false differ); "
                    "`context-cleaner report daily --since " + day +
                    " --until " + day +
                    " --timezone UTC --breakdown` shows the ledger's side of " +
                    day);
  }
  return steps;
}

std::string ValidationJson(const ValidationReport& r) {
  JsonWriter w;
  w.BeginObject()
      .Field("ok", r.ok())
      .Field("filesRead", r.files_read)
      .Field("eventsInFiles", r.events_in_files)
      .Field("eventsMissingFromLedger", r.events_missing_from_ledger)
      .Field("eventsOnlyInLedger", r.events_only_in_ledger)
      .Field("eventsFromGoneFiles", r.events_from_gone_files)
      .Field("eventsFromTelemetry", r.events_from_telemetry)
      .Field("costsCompared", r.costs_not_compared.empty());
  if (!r.costs_not_compared.empty()) {
    w.Field("costsNotComparedBecause", r.costs_not_compared);
  }
  w.Key("goneTokens");
  TokensObject(w, r.gone_tokens, r.events_from_gone_files);
  w.Key("days").BeginArray();
  for (const DayComparison& d : r.days) {
    w.BeginObject()
        .Field("date", FormatDate(d.day))
        .Field("match", d.matches());
    w.Key("files");
    TokensObject(w, d.files, d.file_events);
    w.Key("ledger");
    TokensObject(w, d.ledger, d.ledger_events);
    if (d.costs_compared) {
      w.Key("filesCost").Number(DollarsJsonNumber(d.files_cost_nano));
      w.Key("ledgerCost").Number(DollarsJsonNumber(d.ledger_cost_nano));
    }
    w.EndObject();
  }
  w.EndArray().Key("differences").BeginArray();
  for (const std::string& s : r.sample_differences) w.String(s);
  w.EndArray().Key("unreadableFiles").BeginArray();
  for (const std::string& s : r.unreadable_files) w.String(s);
  w.EndArray().Key("nextSteps").BeginArray();
  for (const std::string& s : NextSteps(r)) w.String(s);
  w.EndArray().EndObject();
  return w.Finish();
}

std::string Diff(const char* what, uint64_t files, uint64_t ledger) {
  if (files == ledger) return "";
  return std::string("  ") + what + ": files " + WithThousands(files) +
         ", ledger " + WithThousands(ledger) + "\n";
}

std::string ValidationText(const ValidationReport& r) {
  std::string out;
  size_t mismatched = 0;
  for (const DayComparison& d : r.days) {
    if (d.matches()) continue;
    ++mismatched;
    out += FormatDate(d.day) + " differs:\n";
    out += Diff("input", d.files.input, d.ledger.input);
    out += Diff("output", d.files.output, d.ledger.output);
    out +=
        Diff("cache creation", d.files.cache_creation, d.ledger.cache_creation);
    out += Diff("cache read", d.files.cache_read, d.ledger.cache_read);
    out += Diff("events", d.file_events, d.ledger_events);
    if (d.costs_compared && d.files_cost_nano != d.ledger_cost_nano) {
      out += "  cost: files " + FormatDollars(d.files_cost_nano, 9) +
             ", ledger " + FormatDollars(d.ledger_cost_nano, 9) + "\n";
    }
  }
  for (const std::string& s : r.sample_differences) {
    out += "  " + TerminalSafe(s) + "\n";
  }
  out += std::to_string(r.days.size()) + " days compared, " +
         std::to_string(mismatched) + " differ; " +
         Counted(r.events_in_files, "event", "events") + " in " +
         Counted(r.files_read, "file", "files") + "; " +
         WithThousands(r.events_missing_from_ledger) +
         " missing from the ledger, " + WithThousands(r.events_only_in_ledger) +
         " only in the ledger\n";
  if (r.events_from_gone_files > 0) {
    out += Counted(r.events_from_gone_files, "event comes", "events come") +
           " from files that no longer exist (" +
           WithThousands(r.gone_tokens.Total()) +
           " tokens): kept, not re-derivable, not a mismatch\n";
  }
  if (r.events_from_telemetry > 0) {
    out += Counted(r.events_from_telemetry, "event was", "events were") +
           " confirmed by Claude Code's telemetry (exact counts the "
           "files may not hold): not compared\n";
  }
  for (const std::string& f : r.unreadable_files) {
    out += "unreadable: " + TerminalSafe(f) + "\n";
  }
  if (!r.costs_not_compared.empty()) {
    out += "costs not compared: " + TerminalSafe(r.costs_not_compared) + "\n";
  }
  out += r.ok() ? "OK: the ledger matches the transcripts\n"
                : "MISMATCH: the ledger differs from the transcripts\n";
  std::vector<std::string> steps = NextSteps(r);
  if (!steps.empty()) out += "What to do:\n";
  for (const std::string& s : steps) out += "  - " + s + "\n";
  return out;
}

// SQLite's integrity_check before anything is compared: a damaged index
// answers lookups wrongly, so totals read through it prove nothing. It
// reads every page and matches every index to its table: about 20 s for
// 1 M events (docs/storage.md); quick_check, ten times faster, misses the
// damage that doubles events. nullopt: sound.
std::optional<int> ReportDamage(const Context& ctx, const ParsedArgs& args,
                                LedgerReader& ledger) {
  constexpr int kShown = 10;
  Result<std::vector<std::string>> damage = ledger.CheckIntegrity(false, kShown);
  if (!damage.ok()) return ErrorExit(damage.status());
  if (damage->empty()) return std::nullopt;
  if (args.Has("--json")) {
    JsonWriter w;
    w.BeginObject().Field("ok", false).Key("damage").BeginArray();
    for (const std::string& line : *damage) w.String(line);
    w.EndArray().EndObject();
    PrintOut(w.Finish());
  } else {
    std::string out = "DAMAGED: the ledger file " + ctx.ledger_path +
                      " fails SQLite's integrity check:\n";
    for (const std::string& line : *damage) out += "  " + line + "\n";
    out += "Nothing else was compared. `context-cleaner bridge repair` "
           "rebuilds the file (stop a running monitor first).\n";
    PrintOut(out);
  }
  return kExitCheckFailed;
}

}  // namespace

std::string DayTotalsText(const DayTotals& t) {
  return Counted(t.events, "event", "events") + ", " +
         WithThousands(t.tokens.Total()) + " tokens, " +
         FormatDollars(t.cost_nano, 6);
}

void DayTotalsJson(JsonWriter& w, const char* key, const DayTotals& t) {
  w.Key(key).BeginObject().Field("events", t.events);
  w.Key("tokens");
  TokensObject(w, t.tokens, t.events);
  w.Key("cost").Number(DollarsJsonNumber(t.cost_nano)).EndObject();
}

// bridge validate --clickhouse URL: this machine's rows in ClickHouse
// against the ledger.
int ValidateAgainstClickHouse(const Context& ctx, const ParsedArgs& args,
                              LedgerReader& ledger) {
  Result<ClickHouseConnection> ch = ConnectClickHouse(*ctx.clickhouse);
  if (!ch.ok()) return ErrorExit(ch.status());
  Result<TotalsCheck> check =
      CheckClickHouseTotals(ledger, *ch->client, ctx.source);
  if (!check.ok()) return ErrorExit(check.status());
  if (args.Has("--json")) {
    JsonWriter w;
    w.BeginObject()
        .Field("ok", check->ok())
        .Field("target", ctx.clickhouse->Redacted())
        .Field("source", ctx.source)
        .Field("daysCompared", check->days)
        .Field("rowsNotYetShipped", check->rows_not_yet_shipped)
        .Key("differences")
        .BeginArray();
    for (const TotalsDifference& d : check->differences) {
      w.BeginObject().Field("date", FormatDate(d.day));
      DayTotalsJson(w, "ledger", d.ledger);
      DayTotalsJson(w, "clickhouse", d.clickhouse);
      w.EndObject();
    }
    w.EndArray().EndObject();
    PrintOut(w.Finish());
  } else {
    std::string out;
    for (const TotalsDifference& d : check->differences) {
      out += FormatDate(d.day) + ": ledger " + DayTotalsText(d.ledger) +
             "; ClickHouse " + DayTotalsText(d.clickhouse) + "\n";
    }
    out += WithThousands(check->days) + " days compared with " +
           TerminalSafe(ctx.clickhouse->Redacted()) + " (source " +
           TerminalSafe(ctx.source) + "), " +
           WithThousands(check->differences.size()) + " differ\n";
    if (check->rows_not_yet_shipped > 0) {
      out += WithThousands(check->rows_not_yet_shipped) +
             " rows are not shipped yet (`bridge sync --once` sends them)\n";
    }
    out += check->ok() ? "OK: ClickHouse matches the ledger\n"
                       : "MISMATCH: ClickHouse differs from the ledger\n";
    PrintOut(out);
  }
  return check->ok() ? kExitOk : kExitCheckFailed;
}

int RunValidate(const Context& ctx, const ParsedArgs& args) {
  Result<std::unique_ptr<LedgerReader>> ledger =
      LedgerReader::Open(ctx.ledger_path, ctx.prices.get());
  if (!ledger.ok()) return ErrorExit(ledger.status());
  if (std::optional<int> damaged = ReportDamage(ctx, args, **ledger)) {
    return *damaged;
  }
  if (args.Has("--clickhouse")) {
    return ValidateAgainstClickHouse(ctx, args, **ledger);
  }
  size_t jobs = std::max(1u, std::thread::hardware_concurrency());
  if (auto text = args.Get("--jobs")) {
    Result<size_t> n = ParseJobs(*text);
    if (!n.ok()) {
      PrintError(n.status().message());
      return kExitUsage;
    }
    jobs = *n;
  }
  Result<ValidationReport> report =
      Validate(**ledger, ctx.roots, jobs, ctx.prices.get());
  if (!report.ok()) return ErrorExit(report.status());
  PrintOut(args.Has("--json") ? ValidationJson(*report)
                              : ValidationText(*report));
  return report->ok() ? kExitOk : kExitCheckFailed;
}

}  // namespace cc::cli
