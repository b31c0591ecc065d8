// context-cleaner: an exact, incremental ledger of Claude Code usage.
// Parses the command line, picks the command, maps failures to exit codes.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/command_suggest.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/flags.h"

namespace cc::cli {
namespace {

constexpr const char* kVersion = "0.1.0";

std::string MainHelp() {
  std::string out =
      "context-cleaner: an exact, incremental ledger of what you spend with "
      "Claude Code.\n\n"
      "It reads Claude Code's transcripts (<dir>/projects/**/*.jsonl) into a "
      "SQLite ledger,\ncounting every API response exactly once, and keeps "
      "that history after Claude Code\ndeletes old transcripts.\n\n"
      "Usage: context-cleaner [global flags] COMMAND [flags]\n\nCommands:\n";
  for (const Command& c : Commands()) {
    std::string name = "  " + c.path;
    if (name.size() < 26) name.append(26 - name.size(), ' ');
    out += name + c.summary + "\n";
  }
  out += "\nGlobal flags:\n" + FormatFlags(AllFlags(), GlobalFlagNames());
  out +=
      "\nFirst time: `context-cleaner bridge sync --once` then "
      "`context-cleaner report daily`.\n"
      "Exit codes: 0 ok, 1 a check failed, 2 usage error, 3 environment "
      "(ledger locked, I/O).\n"
      "Run `context-cleaner COMMAND --help` for a command's flags.\n";
  return out;
}

std::string CommandHelp(const Command& c) {
  return "Usage: " + c.usage + "\n\n" + c.details + "\n\nFlags:\n" +
         FormatFlags(AllFlags(), c.flags) + "\nGlobal flags:\n" +
         FormatFlags(AllFlags(), GlobalFlagNames());
}

// The command whose words start the positional words, longest first.
const Command* FindCommand(const std::vector<std::string>& words) {
  const Command* best = nullptr;
  size_t best_len = 0;
  for (const Command& c : Commands()) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start < c.path.size()) {
      size_t space = c.path.find(' ', start);
      if (space == std::string::npos) space = c.path.size();
      parts.push_back(c.path.substr(start, space - start));
      start = space + 1;
    }
    if (parts.size() > words.size() || parts.size() <= best_len) continue;
    if (std::equal(parts.begin(), parts.end(), words.begin())) {
      best = &c;
      best_len = parts.size();
    }
  }
  return best;
}

size_t WordCount(const std::string& path) {
  return static_cast<size_t>(std::count(path.begin(), path.end(), ' ')) + 1;
}

int Main(const std::vector<std::string>& argv) {
  Result<ParsedArgs> args = ParseArgs(argv, AllFlags());
  if (!args.ok()) {
    PrintError(args.status().message());
    return kExitUsage;
  }
  if (args->Has("--version")) {
    PrintOut(std::string("context-cleaner ") + kVersion + "\n");
    return kExitOk;
  }
  const Command* command = FindCommand(args->words);
  if (command == nullptr) {
    if (args->words.empty() || args->Has("--help")) {
      PrintOut(MainHelp());
      return args->words.empty() && !args->Has("--help") ? kExitUsage : kExitOk;
    }
    std::string said;
    for (const std::string& w : args->words) said += (said.empty() ? "" : " ") + w;
    std::string choices;
    for (const Command& c : Commands()) {
      if (c.path.rfind(said + " ", 0) == 0) {
        choices += (choices.empty() ? "" : ", ") + c.path.substr(said.size() + 1);
      }
    }
    if (!choices.empty()) {
      PrintError("'" + said + "' needs a subcommand: " + choices);
      return kExitUsage;
    }
    std::vector<std::string> paths;
    for (const Command& c : Commands()) paths.push_back(c.path);
    std::string meant;
    for (const std::string& s : SuggestCommands(said, paths)) {
      meant += (meant.empty() ? "" : " or ") + ("'context-cleaner " + s + "'");
    }
    PrintError("unknown command '" + said + "'" +
               (meant.empty() ? "" : ": did you mean " + meant + "?") +
               " (see context-cleaner --help)");
    return kExitUsage;
  }
  if (args->Has("--help")) {
    PrintOut(CommandHelp(*command));
    return kExitOk;
  }
  if (args->words.size() > WordCount(command->path)) {
    PrintError("unexpected argument '" + args->words[WordCount(command->path)] +
               "' for '" + command->path + "'");
    return kExitUsage;
  }
  std::vector<std::string> allowed = GlobalFlagNames();
  allowed.insert(allowed.end(), command->flags.begin(), command->flags.end());
  if (Status s = CheckAllowed(*args, allowed, command->path); !s.ok()) {
    PrintError(s.message());
    return kExitUsage;
  }
  // The statusline resolves only what it uses and never stops at an error
  // (a blank statusline is worse than a partial one).
  if (command->path == "statusline") return RunStatusline(*args);
  Result<Context> ctx = ResolveContext(*args);
  if (!ctx.ok()) return ErrorExit(ctx.status());
  return command->run(*ctx, *args);
}

}  // namespace

namespace {

constexpr const char* kReportDetails =
    "\n\nFrom the ledger (instant: nothing is re-read). Costs use the price "
    "table stored with\neach event; a model without a price is counted with "
    "its cost marked unknown (*).\n--json prints ccusage's shapes (arrays, "
    "totals, modelBreakdowns, totalCost) with exact\ndecimal costs, so "
    "tools written for ccusage work unchanged.\n\nExamples:\n"
    "  context-cleaner report daily --since 2025-09-01 --timezone Asia/Tokyo\n"
    "  context-cleaner report monthly --breakdown --json | jq .totals\n"
    "  context-cleaner report session --project spotter   # or ~/src/spotter\n"
    "\nA project is shown as its real path (the cwd its requests recorded; "
    "~ for $HOME),\nor its last component where space is short. --project "
    "takes either, an alias or\nthe folder under projects/.";

// The dashboard's token, for `dashboard` and `run` (cli/auth_token.h).
constexpr const char* kTokenDetails =
    "\nListening beyond 127.0.0.1 (--host 0.0.0.0) requires a token of 16 "
    "characters or more,\nwhich every request must then carry. Pass it with "
    "--auth-token-file FILE or\n$CONTEXT_CLEANER_AUTH_TOKEN: --auth-token "
    "TOKEN is visible to other local users (ps,\n/proc/PID/cmdline).";

std::string ReportUsage(const std::string& kind) {
  return "context-cleaner report " + kind +
         " [--json] [--since D] [--until D] [--timezone ZONE]\n"
         "       [--breakdown] [--project P] [--source S] [--order asc|desc] "
         "[--compact]\n       [--from ledger|clickhouse] [--project-aliases "
         "LIST]";
}

std::vector<std::string> ReportFlags(std::vector<std::string> extra = {}) {
  std::vector<std::string> flags = {"--json",      "--since",   "--until",
                                    "--timezone",  "--breakdown", "--project",
                                    "--order",     "--compact",   "--from",
                                    "--project-aliases", "--budget",
                                    "--fail-over-budget"};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

}  // namespace

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"bridge backfill", "Read every transcript into the ledger (idempotent)",
       "context-cleaner bridge backfill [--since D] [--until D] [--dry-run] "
       "[--jobs N] [--json]",
       "Reads every transcript under the roots from its first byte, in "
       "parallel, and merges\nwhat it finds into the ledger. Running it twice "
       "changes nothing. With --since/--until\nonly events of those UTC days "
       "are counted and no checkpoints are written, so a later\n`bridge sync "
       "--once` still reads everything. --dry-run writes nothing and says what "
       "a real run\nwould add to the ledger (files and events it lacks, "
       "events it would change).",
       {"--since", "--until", "--dry-run", "--jobs", "--json"},
       &RunBackfill},
      {"bridge sync", "Read what changed (--once), or keep watching",
       "context-cleaner bridge sync --once [--json]\n"
       "       context-cleaner bridge sync --start-monitoring [--poll SECONDS] "
       "[--reconcile SECONDS]\n"
       "       context-cleaner bridge sync --interval MINUTES",
       "--once reads only what changed since the last run: new files, appended "
       "bytes; files\nthat were replaced or truncated are read again from the "
       "start. Prints what it did.\n\n"
       "--start-monitoring catches up the same way, then watches every "
       "directory of the roots\n(inotify) and reads a transcript within "
       "milliseconds of a line being written. A full\nscan reconciles every 60 "
       "s; if watching fails it says so and polls. --interval runs a\npass every "
       "MINUTES. Both print a line per pass that changed something (-v: every "
       "pass),\nstop cleanly on Ctrl-C or SIGTERM saying what they synced, and "
       "hold the ledger: a\nsecond one exits 3. --interval takes at least 0.1 "
       "(minutes).",
       {"--once", "--json", "--start-monitoring", "--interval", "--poll",
        "--reconcile"},
       &RunSync},
      {"run", "The service: follow every write, the dashboard, shipping",
       "context-cleaner run [--host ADDRESS] [--port PORT] "
       "[--auth-token-file FILE] [--no-dashboard]\n"
       "                           [--poll SECONDS] [--reconcile SECONDS] "
       "[--clickhouse URL]",
       "Everything that runs for a long time, in one process, with one Ctrl-C "
       "(or SIGTERM)\nto stop it: the monitor of `bridge sync "
       "--start-monitoring` (catch up, then read\nevery line within "
       "milliseconds of its being written), the dashboard (as `dashboard`;\n"
       "http://127.0.0.1:8110/), and, when ClickHouse is configured "
       "(--clickhouse,\n$CONTEXT_CLEANER_CLICKHOUSE or the config file), the "
       "shipper beside it: an outage\nof any length slows nothing and loses "
       "nothing. The systemd unit in contrib/ runs\nthis. A second writer on "
       "the same ledger exits 3.\n" +
           std::string(kTokenDetails),
       {"--poll", "--reconcile", "--host", "--port", "--auth-token",
        "--auth-token-file", "--no-dashboard", "--timezone", "--start-of-week", "--otel-port",
        "--otel-host", "--no-otel"},
       &RunService},
      {"otel serve", "Receive Claude Code's OpenTelemetry into the ledger",
       "context-cleaner otel serve [--otel-port PORT]",
       "OTLP/HTTP on 127.0.0.1:4318 (/v1/logs, /v1/metrics; protobuf or JSON, "
       "gzip or not).\nClaude Code's api_request events carry each request's "
       "exact tokens (transcripts\noften hold only a streaming partial of the "
       "output): they are kept in the ledger and\nmerged with the transcripts' "
       "events by request id, which makes those exact. `run`\nincludes this "
       "receiver; `telemetry init` points Claude Code at it. Holds the\nledger "
       "like a monitor (a second writer exits 3): use it when nothing else runs.",
       {"--otel-port", "--otel-host"},
       &RunOtelServe},
      {"telemetry init", "Point Claude Code's telemetry at context-cleaner",
       "context-cleaner telemetry init [--write [--force]] [--settings FILE] [--otel-port PORT]",
       "Prints the \"env\" settings that make Claude Code export its "
       "OpenTelemetry to the\nreceiver (`run` or `otel serve`). With --write, "
       "merges them into the settings.json\nClaude Code reads "
       "($CLAUDE_CONFIG_DIR/settings.json, else ~/.claude/settings.json),\n"
       "changing nothing else there and keeping the old file as "
       "settings.json.bak-<time>.\nA file already set up is left alone; one "
       "that sends telemetry to another collector\nis left alone unless "
       "--force.",
       {"--write", "--force", "--settings", "--otel-port", "--otel-host"},
       &RunTelemetryInit},
      {"statusline init", "Show context-cleaner under Claude Code's prompt",
       "context-cleaner statusline init [--write [--force]] [--settings FILE] [--command CMD]",
       "Prints the \"statusLine\" setting that makes Claude Code run the statusline\n"
       "(context-cleaner-statusline, by its full path) after each response and every 30 s.\n"
       "With --write, merges it into the settings.json Claude Code reads\n"
       "($CLAUDE_CONFIG_DIR/settings.json, else ~/.claude/settings.json), changing\n"
       "nothing else there and keeping the old file as settings.json.bak-<time>. A\n"
       "file already set up is left alone; another status line is left alone unless\n"
       "--force (the message says how to show both).",
       {"--write", "--force", "--settings", "--command"},
       &RunStatusLineInit},
      {"dashboard", "The live dashboard in your browser",
       "context-cleaner dashboard [--host ADDRESS] [--port PORT] "
       "[--auth-token-file FILE] [-z ZONE]\n"
       "       context-cleaner dashboard --from clickhouse [--clickhouse URL] "
       "[--source NAME] [...]",
       "Serves the dashboard at http://127.0.0.1:8110/: today, this week and "
       "month with the\nchange from the period before, usage over time by "
       "model, the current 5-hour block,\nprojects, sessions (click one for "
       "its requests), models and machines, caching, and\nsync health. It "
       "updates itself within a second of a transcript line being synced "
       "(run\n`bridge sync --start-monitoring` beside it, or use `run`, which "
       "does both). Read-only.\nThe JSON API it uses is under /api/ "
       "(docs/api.md); /metrics is for Prometheus.\n"
       "--from clickhouse shows the whole team from ClickHouse (--clickhouse "
       "URL, or the config\nfile), every machine or --source NAME's; it "
       "looks for new rows every 5 s.\n" +
           std::string(kTokenDetails),
       {"--host", "--port", "--auth-token", "--auth-token-file", "--timezone",
        "--start-of-week", "--from"},
       &RunDashboard},
      {"bridge sync-status", "Show what the ledger holds and the last run",
       "context-cleaner bridge sync-status [--json]",
       "Reads the ledger (safe while a sync runs in another process): files "
       "tracked and gone,\nevents, tokens by kind, rejected lines (why, and "
       "where: file and byte), bytes not yet\nread, last lines without "
       "their newline (unfinished: not lag), and the last run.",
       {"--json"},
       &RunSyncStatus},
      {"bridge validate", "Re-derive totals from the files and compare",
       "context-cleaner bridge validate [--json] [--jobs N]\n"
       "       context-cleaner bridge validate --clickhouse URL [--json]",
       "First runs SQLite's integrity check on the ledger file: damage "
       "(a broken index, a\nbad page) exits 1 naming it, before anything "
       "else (`bridge repair` mends it).\n"
       "Then re-reads every transcript still present from its first byte, "
       "independently of the\nledger's incremental path, and compares "
       "per-day totals (tokens, events, and costs\npriced afresh) with the "
       "ledger. Prints each difference and what to do about it; exits 1 on "
       "any. Events\nwhose files are gone are reported separately.\n\nWith --clickhouse URL it compares "
       "instead this machine's rows in ClickHouse (FINAL)\nwith the ledger, per "
       "day: events, tokens and cost; exits 1 on a difference.",
       {"--json", "--jobs"},
       &RunValidate},
      {"bridge repair", "Rebuild a damaged ledger (after validate finds damage)",
       "context-cleaner bridge repair [--json]",
       "Rebuilds the ledger file: every table is read through its own pages "
       "(no index) into a\nnew file whose indexes are built afresh, an event "
       "stored twice under one key (a\ndamaged index lets that happen) is "
       "merged into one as records merge, the usage\nrollup is recomputed, "
       "and the result replaces the ledger's content in one\ntransaction. "
       "Says what it could not save. Needs the ledger's lock: stop a monitor\n"
       "or `run` first. Exits 0 when the ledger is sound afterwards.",
       {"--json"},
       &RunRepair},
      {"bridge reprice", "Recompute every cost with the current price table",
       "context-cleaner bridge reprice [--prices FILE] [--json]",
       "Each event's cost is computed when it is stored, with the price table "
       "of that moment,\nso reports are instant. After the table changes (a "
       "new release, --prices, the\nconfig's \"prices\"), reprice applies it "
       "to the whole history in one transaction.\nEvents whose cost changed "
       "are marked for shipping again.",
       {"--json"},
       &RunReprice},
      {"report daily", "Tokens and cost per day",
       ReportUsage("daily") + " [--instances]",
       "One row per day in the report's time zone; --instances: rows per "
       "project, each\nproject under its name." +
           std::string(kReportDetails),
       ReportFlags({"--instances"}), &RunReportDaily},
      {"report weekly", "Tokens and cost per week",
       ReportUsage("weekly") + " [--start-of-week DAY]",
       "One row per week, labelled with its first day (--start-of-week, "
       "default sunday)." + std::string(kReportDetails),
       ReportFlags({"--start-of-week"}), &RunReportWeekly},
      {"report monthly", "Tokens and cost per month", ReportUsage("monthly"),
       "One row per calendar month in the report's time zone." +
           std::string(kReportDetails),
       ReportFlags(), &RunReportMonthly},
      {"report session", "Tokens and cost per Claude Code session",
       ReportUsage("session"),
       "One row per session id, with its project, models and first and last "
       "activity;\nthe most recent last (--order desc: first)." +
           std::string(kReportDetails),
       ReportFlags(), &RunReportSession},
      {"report blocks", "Claude's 5-hour usage windows",
       ReportUsage("blocks") + " [--token-limit N|max] [--active] [--recent]",
       "A block starts at the (UTC) hour of its first request and lasts 5 "
       "hours; a request\nafter its end, or after 5 hours of silence, starts "
       "the next (silences show as gaps).\nThe active block shows time "
       "elapsed and left, the burn rate in tokens and dollars\nper hour, and "
       "the projection to its end. --token-limit warns at 80 % of N (max: "
       "the\nlargest finished block). --active shows only the active block, "
       "--recent only blocks\nstarted in the last 3 days (and the active "
       "one); --breakdown adds a line per model.\nThe burn rate is the "
       "usage since the block's first request, per hour; it is shown\nonce "
       "10 minutes have passed since that request." +
           std::string(kReportDetails),
       ReportFlags({"--token-limit", "--active", "--recent"}), &RunReportBlocks},
      {"report budget", "Each budget: spend in its period, %, projection, alerts",
       "context-cleaner report budget [--json] [--budget PERIOD:UNIT=N ...] "
       "[--timezone ZONE]\n       [--start-of-week DAY] [--fail-over-budget]",
       "One row per budget (the config file's \"budgets\", or --budget for "
       "this run only): its\ncurrent period in the time zone (a day, a week "
       "from --start-of-week, a month, or\nthe active 5-hour block), the "
       "spend there, the limit, the share of it, the spend\nat the period's "
       "end at the rate since its start (once 10% of the period and 30\n"
       "minutes have passed), and the alerts fired in this period. "
       "--fail-over-budget\n(here and on every report) exits 1 when a "
       "budget is at or over its limit.\nThe rules: docs/budgets.md.",
       {"--json", "--timezone", "--start-of-week", "--budget",
        "--fail-over-budget", "--project-aliases"},
       &RunReportBudget},
      {"report limits", "The official 5-hour and 7-day limits, and what 1 % costs",
       "context-cleaner report limits [--json] [--since D] [--until D] "
       "[--timezone ZONE]\n       [--source S] [--order asc|desc]",
       "Claude Code gives Pro and Max subscribers the official use of their "
       "5-hour and 7-day\nwindows (a used percentage and a reset time) on "
       "the statusline's stdin; `context-cleaner\nstatusline` keeps every "
       "change in the ledger. One row per window (identified by its\nreset; "
       "it runs the 5 hours or 7 days before): the highest percentage seen, "
       "the\nrequests, tokens and cost the ledger counted inside it, and "
       "from those what 1 % of\nthe window costs you in tokens and dollars "
       "(\"-\" while the peak is 0). Latest first\n(--order asc: oldest). "
       "--since/--until keep windows that overlap those days.\n--source S: "
       "only S's readings and events (default: every machine's).",
       {"--json", "--since", "--until", "--timezone", "--order"},
       &RunReportLimits},
      {"statusline", "Claude Code's status line: cost, block, context, limits",
       "context-cleaner statusline [--segments LIST] [--lines N] [--plain] "
       "[--thresholds W,A] [--json]",
       "Claude Code's statusLine command: reads the JSON Claude Code passes "
       "on stdin and prints\none line: the model, this session's cost and "
       "tokens from the ledger (exact, subagents\nincluded; Claude Code's "
       "own estimate, marked ~ and est., until the ledger has it), today's\n"
       "cost, the current 5-hour block (cost, time left, $/h), the context "
       "window and the\nofficial 5-hour and 7-day limits with the time to "
       "their resets. Without a monitor it\nbrings this session's "
       "transcripts up to date first (only if the ledger's lock is free).\n"
       "Answers in milliseconds on any ledger; never prints nothing and "
       "always exits 0\n(problems go to $XDG_STATE_HOME/context-cleaner/"
       "statusline.log). Segments: model,\nsession, today, block, context, "
       "limits (config: \"statuslineSegments\"); percentages\nturn yellow "
       "and red at --thresholds (default 50,80; \"statuslineThresholds\").\n"
       "Fits $COLUMNS by dropping the least important segments (today first).\n\n"
       "`context-cleaner statusline init --write` sets Claude Code up to run it.",
       {"--json", "--timezone", "--segments", "--thresholds", "--lines",
        "--plain", "--no-sync"},
       [](const Context&, const ParsedArgs& a) { return RunStatusline(a); }},
  };
  return kCommands;
}

}  // namespace cc::cli

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    return cc::cli::Main(args);
  } catch (const std::exception& e) {
    cc::cli::PrintError(std::string("internal error: ") + e.what());
    return 3;
  }
}
