// report daily|weekly|monthly|session|blocks: the ledger's rollup, grouped
// in the user's time zone, as a table or ccusage-compatible JSON.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/ship.h"
#include "clickhouse/usage_query.h"
#include "core/civil_time.h"
#include "ledger/ledger_reader.h"
#include "report/limits_report.h"
#include "report/report_render.h"
#include "report/usage_report.h"

namespace cc::cli {
namespace {

Result<std::optional<int64_t>> DayFlag(const ParsedArgs& args,
                                       const std::string& flag) {
  std::optional<std::string> text = args.Get(flag);
  if (!text) return std::optional<int64_t>();
  std::optional<int64_t> day = ParseDate(*text);
  if (!day) return Status::InvalidArgument(DateFlagError(flag, *text));
  return std::optional<int64_t>(day);
}

Result<TimeZone> ZoneFlagOf(const Context& ctx, const ParsedArgs& args) {
  std::optional<std::string> name = args.Get("--timezone");
  if (!name) {
    if (auto it = ctx.config.find("timezone"); it != ctx.config.end()) {
      name = it->second;
    }
  }
  if (!name) return TimeZone::System();
  Result<TimeZone> zone = TimeZone::Load(*name);
  if (!zone.ok())
    return Status::InvalidArgument("--timezone: " + zone.status().message());
  return zone;
}

// Everything a report needs from the command line, checked.
struct ReportRequest {
  ReportSpec spec;
  RenderOptions render;
  UsageFilter filter;
  std::optional<std::string> token_limit;  // "max" or a number.
  std::optional<std::string> project;      // --project as given.
  ProjectAliases aliases;
  // Project names are read (every event) only for what shows or takes them.
  bool needs_names = false;
};

// --project-aliases, else the config's "projectAliases".
Result<ReportRequest> ParseRequest(const Context& ctx, const ParsedArgs& args,
                                   ReportKind kind) {
  ReportRequest r;
  Result<std::optional<int64_t>> since = DayFlag(args, "--since");
  if (!since.ok()) return since.status();
  Result<std::optional<int64_t>> until = DayFlag(args, "--until");
  if (!until.ok()) return until.status();
  if (*since && *until && **since > **until) {
    return Status::InvalidArgument("--since " + FormatDate(**since) +
                                   " is after --until " + FormatDate(**until));
  }
  Result<TimeZone> zone = ZoneFlagOf(ctx, args);
  if (!zone.ok()) return zone.status();
  Result<int> week_start = StartOfWeekFlag(ctx, args);
  if (!week_start.ok()) return week_start.status();
  std::string order = args.Get("--order").value_or("asc");
  if (order != "asc" && order != "desc") {
    return Status::InvalidArgument("--order: expected asc or desc, got '" +
                                   order + "'");
  }
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  r.spec.kind = kind;
  r.spec.zone = *zone;
  r.spec.start_of_week = *week_start;
  r.spec.descending = order == "desc";
  r.spec.now_ms = now_ms;
  r.render.zone = *zone;
  r.render.breakdown = args.Has("--breakdown");
  r.render.compact = args.Has("--compact");
  r.render.color = ctx.color;
  r.render.width = TerminalWidth();
  r.render.now_ms = now_ms;
  if (kind == ReportKind::kBlocks) {
    // A block is kept or dropped whole: build from everything.
    r.spec.since_day = *since;
    r.spec.until_day = *until;
    r.spec.recent_only = args.Has("--recent");
    r.spec.active_only = args.Has("--active");
  } else {
    if (*since) r.filter.since_ms = zone->LocalDayStart(**since);
    if (*until) r.filter.until_ms = zone->LocalDayStart(**until + 1);
  }
  r.project = args.Get("--project");
  Result<ProjectAliases> aliases = AliasesOf(ctx, args);
  if (!aliases.ok()) return aliases.status();
  r.aliases = std::move(*aliases);
  r.spec.by_project = args.Has("--instances");
  r.needs_names =
      r.project || r.spec.by_project || kind == ReportKind::kSession;
  if (auto s = args.Get("--source")) r.filter.source = *s;
  if (auto limit = args.Get("--token-limit")) {
    if (*limit != "max") {
      Result<size_t> n = ParsePositive("--token-limit", *limit);
      if (!n.ok()) {
        return Status::InvalidArgument(
            "--token-limit: expected a positive number of tokens (such as "
            "500000) or max (the largest finished block), got '" +
            *limit + "'");
      }
    }
    r.token_limit = *limit;
  }
  return r;
}

// "max": the most tokens any finished block used (ccusage's meaning).
std::optional<uint64_t> ResolveTokenLimit(const std::string& text,
                                          const UsageReport& report) {
  if (text != "max") return std::stoull(text);
  const uint64_t most = report.largest_block_tokens;
  return most > 0 ? std::optional<uint64_t>(most) : std::nullopt;
}

void WarnStalePrices(const Context& ctx, LedgerReader& ledger) {
  Result<std::vector<std::string>> versions = ledger.PriceVersions();
  if (!versions.ok() || versions->empty()) return;
  if (versions->size() == 1 && versions->front() == ctx.prices->version()) {
    return;
  }
  std::string list;
  for (const std::string& v : *versions) list += (list.empty() ? "" : ", ") + v;
  PrintWarning(ctx, "costs in the ledger come from price table " + list +
                        "; the current table is " + ctx.prices->version() +
                        ". Run `context-cleaner bridge reprice` to apply it.");
}

// The names of the projects `cwds` holds; --project resolved to the
// folder the ledger keys usage by.
Status NameProjects(const std::vector<ProjectCwd>& cwds, ReportRequest* r,
                    ProjectNames* names) {
  const char* home = std::getenv("HOME");
  *names = ProjectNames(cwds, home != nullptr ? home : "", r->aliases);
  r->render.projects = names;
  if (!r->project) return Status::Ok();
  Result<std::string> folder = names->Resolve(*r->project);
  if (!folder.ok()) {
    return Status::InvalidArgument(
        std::string("--project: ").append(folder.status().message()));
  }
  r->filter.project = *folder;
  return Status::Ok();
}

// --source S that no event of the ledger has: a typo or another machine's
// name, not "no usage" (exit 2, naming the sources there are).
Status CheckSourceKnown(LedgerReader& ledger, const std::string& source) {
  Result<std::vector<std::string>> sources = ledger.Sources();
  if (!sources.ok()) return sources.status();
  if (sources->empty() ||
      std::find(sources->begin(), sources->end(), source) != sources->end()) {
    return Status::Ok();
  }
  std::string known;
  for (const std::string& s : *sources) {
    known.append(known.empty() ? "" : ", ").append("'").append(s).append("'");
  }
  return Status::InvalidArgument("--source '" + source +
                                 "': no machine of that name in the ledger; "
                                 "it has " + known);
}

Result<UsageData> UsageFromLedger(
    const Context& ctx, ReportRequest* r, ProjectNames* names,
    std::optional<std::pair<uint64_t, uint64_t>>* exact_events) {
  Result<std::unique_ptr<LedgerReader>> ledger =
      LedgerReader::Open(ctx.ledger_path, ctx.prices.get());
  if (!ledger.ok()) return ledger.status();
  if (r->needs_names) {
    Result<std::vector<ProjectCwd>> cwds = (*ledger)->ProjectCwds();
    if (!cwds.ok()) return cwds.status();
    if (Status s = NameProjects(*cwds, r, names); !s.ok()) return s;
  }
  const UsageFilter& f = r->filter;
  Result<UsageData> rows = (*ledger)->Usage(f);
  if (rows.ok() && rows->rows.empty() && f.source) {
    if (Status s = CheckSourceKnown(**ledger, *f.source); !s.ok()) return s;
  }
  if (rows.ok()) WarnStalePrices(ctx, **ledger);
  // With telemetry in the ledger, say which events it confirmed.
  Result<LedgerSummary> health = (*ledger)->SyncHealth();
  if (rows.ok() && health.ok() && health->telemetry_requests > 0) {
    Result<std::pair<uint64_t, uint64_t>> exact = (*ledger)->ExactEvents(f);
    if (exact.ok()) *exact_events = *exact;
  }
  return rows;
}

// The whole team's events (all sources, or --source S), as shipped.
Result<UsageData> UsageFromClickHouse(const Context& ctx, ReportRequest* r,
                                      ProjectNames* names) {
  if (!ctx.clickhouse) {
    return Status::InvalidArgument(
        "--from clickhouse: say where with --clickhouse URL (or "
        "$CONTEXT_CLEANER_CLICKHOUSE)");
  }
  Result<ClickHouseConnection> ch = ConnectClickHouse(*ctx.clickhouse);
  if (!ch.ok()) return ch.status();
  if (r->needs_names) {
    Result<std::vector<ProjectCwd>> cwds = QueryClickHouseProjectCwds(*ch->client);
    if (!cwds.ok()) return cwds.status();
    if (Status s = NameProjects(*cwds, r, names); !s.ok()) return s;
  }
  return QueryClickHouseUsage(*ch->client, r->filter);
}

// Blocks: the official 5-hour % where the statusline saw one. Cosmetic:
// a ledger that cannot say leaves the blocks without it.
void AttachOfficialFromLedger(const Context& ctx,
                              const std::optional<std::string>& source,
                              UsageReport* report) {
  Result<std::unique_ptr<LedgerReader>> ledger =
      LedgerReader::Open(ctx.ledger_path, ctx.prices.get());
  if (!ledger.ok()) return;
  RateLimitFilter filter;
  filter.source = source;
  Result<std::vector<RateLimitWindow>> windows =
      (*ledger)->RateLimitWindows(filter);
  if (windows.ok()) AttachOfficialWindows(*windows, report);
}

int RunReport(const Context& ctx, const ParsedArgs& args, ReportKind kind) {
  Result<ReportRequest> request = ParseRequest(ctx, args, kind);
  if (!request.ok()) return ErrorExit(request.status());
  const std::string from = args.Get("--from").value_or("ledger");
  if (from != "ledger" && from != "clickhouse") {
    PrintError("--from: expected ledger or clickhouse, got '" + from + "'");
    return kExitUsage;
  }
  std::optional<std::pair<uint64_t, uint64_t>> exact_events;
  ProjectNames names;  // request->render points here.
  Result<UsageData> rows =
      from == "clickhouse"
          ? UsageFromClickHouse(ctx, &*request, &names)
          : UsageFromLedger(ctx, &*request, &names, &exact_events);
  if (!rows.ok()) return ErrorExit(rows.status());
  UsageReport report = BuildReport(*rows, request->spec);
  report.exact_events = exact_events;
  if (kind == ReportKind::kBlocks && from == "ledger") {
    AttachOfficialFromLedger(ctx, request->filter.source, &report);
  }
  if (request->token_limit) {
    request->render.token_limit =
        ResolveTokenLimit(*request->token_limit, report);
  }
  if (args.Has("--json")) {
    PrintOut(ReportJson(report, request->render));
    return kExitOk;
  }
  if (report.rows.empty()) {
    PrintOut(request->spec.active_only ? "No active block.\n"
                                       : "No usage recorded for this period.\n");
    return kExitOk;
  }
  PrintTable(ReportTable(report, request->render));
  if (!report.unpriced_models.empty()) {
    WarnUnpricedModels(ctx, report.unpriced_models);
  }
  return kExitOk;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The windows of the official limits that overlap --since/--until, each
// with the events the ledger counted inside it.
Result<LimitsReport> LimitsFromLedger(const Context& ctx,
                                      const RateLimitFilter& filter,
                                      bool ascending, int64_t now_ms) {
  Result<std::unique_ptr<LedgerReader>> ledger =
      LedgerReader::Open(ctx.ledger_path, ctx.prices.get());
  if (!ledger.ok()) return ledger.status();
  Result<std::vector<RateLimitWindow>> windows =
      (*ledger)->RateLimitWindows(filter);
  if (!windows.ok()) return windows.status();
  LimitsReport report;
  report.source = filter.source;
  for (const RateLimitWindow& w : *windows) {
    Result<RangeTotals> totals =
        (*ledger)->TotalsBetween(w.start_ms(), w.end_ms(), filter.source);
    if (!totals.ok()) return totals.status();
    report.rows.push_back(LimitRowOf(w, *totals, now_ms));
  }
  if (ascending) std::reverse(report.rows.begin(), report.rows.end());
  return report;
}

}  // namespace

int RunReportLimits(const Context& ctx, const ParsedArgs& args) {
  Result<std::optional<int64_t>> since = DayFlag(args, "--since");
  if (!since.ok()) return ErrorExit(since.status());
  Result<std::optional<int64_t>> until = DayFlag(args, "--until");
  if (!until.ok()) return ErrorExit(until.status());
  if (*since && *until && **since > **until) {
    return ErrorExit(Status::InvalidArgument(
        "--since " + FormatDate(**since) + " is after --until " +
        FormatDate(**until)));
  }
  Result<TimeZone> zone = ZoneFlagOf(ctx, args);
  if (!zone.ok()) return ErrorExit(zone.status());
  const std::string order = args.Get("--order").value_or("desc");
  if (order != "asc" && order != "desc") {
    return ErrorExit(Status::InvalidArgument(
        "--order: expected asc or desc, got '" + order + "'"));
  }
  RateLimitFilter filter;
  if (*since) filter.since_ms = zone->LocalDayStart(**since);
  if (*until) filter.until_ms = zone->LocalDayStart(**until + 1);
  if (auto s = args.Get("--source")) filter.source = *s;
  LimitsRenderOptions opt;
  opt.zone = *zone;
  opt.color = ctx.color;
  opt.width = TerminalWidth();
  opt.now_ms = NowMs();
  Result<LimitsReport> report =
      LimitsFromLedger(ctx, filter, order == "asc", opt.now_ms);
  if (!report.ok()) return ErrorExit(report.status());
  if (args.Has("--json")) {
    PrintOut(LimitsJson(*report, opt));
    return kExitOk;
  }
  if (report->rows.empty()) {
    PrintOut(
        "No official limits recorded for this period. Claude Code passes "
        "them (Pro and Max plans)\nto its statusline: `context-cleaner "
        "statusline init --write` records them.\n");
    return kExitOk;
  }
  PrintTable(LimitsTable(*report, opt));
  return kExitOk;
}

int RunReportDaily(const Context& ctx, const ParsedArgs& args) {
  return WithBudgetCheck(ctx, args, [&] { return RunReport(ctx, args, ReportKind::kDaily); });
}
int RunReportWeekly(const Context& ctx, const ParsedArgs& args) {
  return WithBudgetCheck(ctx, args, [&] { return RunReport(ctx, args, ReportKind::kWeekly); });
}
int RunReportMonthly(const Context& ctx, const ParsedArgs& args) {
  return WithBudgetCheck(ctx, args, [&] { return RunReport(ctx, args, ReportKind::kMonthly); });
}
int RunReportSession(const Context& ctx, const ParsedArgs& args) {
  return WithBudgetCheck(ctx, args, [&] { return RunReport(ctx, args, ReportKind::kSession); });
}
int RunReportBlocks(const Context& ctx, const ParsedArgs& args) {
  return WithBudgetCheck(ctx, args, [&] { return RunReport(ctx, args, ReportKind::kBlocks); });
}

size_t TerminalWidth() {
  winsize ws{};
  if (isatty(STDOUT_FILENO) == 1 &&
      ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  if (const char* c = std::getenv("COLUMNS")) {
    long n = std::strtol(c, nullptr, 10);
    if (n > 0) return static_cast<size_t>(n);
  }
  return 1000;  // A pipe: every column.
}

Result<ProjectAliases> AliasesOf(const Context& ctx, const ParsedArgs& args) {
  std::string flag = "--project-aliases";
  std::optional<std::string> text = args.Get(flag);
  if (!text) {
    auto it = ctx.config.find("projectAliases");
    if (it == ctx.config.end()) return ProjectAliases{};
    text = it->second;
    flag = "config \"projectAliases\"";
  }
  Result<ProjectAliases> aliases = ParseProjectAliases(*text);
  if (!aliases.ok()) {
    return Status::InvalidArgument(flag + ": " + aliases.status().message());
  }
  return aliases;
}

Result<TimeZone> ZoneFlag(const Context& ctx, const ParsedArgs& args) {
  return ZoneFlagOf(ctx, args);
}

Result<int> StartOfWeekFlag(const Context& ctx, const ParsedArgs& args) {
  std::string where = "--start-of-week";
  std::optional<std::string> name = args.Get("--start-of-week");
  if (!name) {
    auto it = ctx.config.find("startOfWeek");
    if (it == ctx.config.end()) return 0;  // Sunday, as ccusage.
    where = "\"startOfWeek\" in the config file";
    name = it->second;
  }
  if (std::optional<int> day = WeekdayFromName(*name)) return *day;
  return Status::InvalidArgument(where + ": expected a day name (sunday ... saturday), got '" +
                                 *name + "'");
}

}  // namespace cc::cli
