#include "cli/context.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "cli/config_file.h"
#include "core/civil_time.h"
#include "core/terminal_text.h"
#include "ledger/ledger_files.h"
#include "source/roots.h"

namespace cc::cli {
namespace {

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::string DefaultLedgerPath() {
  if (auto xdg = Env("XDG_DATA_HOME")) {
    return *xdg + "/context-cleaner/ledger.db";
  }
  return Env("HOME").value_or(".") + "/.local/share/context-cleaner/ledger.db";
}

std::string DefaultConfigPath() {
  if (auto xdg = Env("XDG_CONFIG_HOME")) {
    return *xdg + "/context-cleaner/config.json";
  }
  return Env("HOME").value_or(".") + "/.config/context-cleaner/config.json";
}

// share/context-cleaner/prices.json beside the installed binary's bin/.
std::optional<std::string> InstalledPricesPath() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  std::filesystem::path p =
      exe.parent_path().parent_path() / "share/context-cleaner/prices.json";
  if (!std::filesystem::exists(p, ec)) return std::nullopt;
  return p.string();
}

// The installed table (else the built-in one) with any override on top.
Result<std::shared_ptr<const PriceTable>> ResolvePrices(
    std::optional<std::string> override_path) {
  auto table = std::make_shared<PriceTable>(PriceTable::Embedded());
  if (std::optional<std::string> installed = InstalledPricesPath()) {
    Result<PriceTable> t = PriceTable::Load(*installed);
    if (!t.ok()) return t.status();
    *table = std::move(*t);
  }
  if (override_path) {
    if (override_path->empty()) {
      return Status::InvalidArgument("--prices: empty path");
    }
    Result<PriceTable> extra = PriceTable::Load(*override_path);
    if (!extra.ok()) return extra.status();
    table->Overlay(*extra);
  }
  return std::shared_ptr<const PriceTable>(std::move(table));
}

// The ledger is a file (SQLite's): a directory, or a file of another kind,
// is named as such rather than left to SQLite ("unable to open database
// file", "file is not a database").
Status CheckLedgerPath(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::string example = path;
    if (example.back() != '/') example += '/';
    example += "ledger.db";
    return Status::InvalidArgument(
        "--ledger " + path + " is a directory; it expects the ledger's file "
        "(such as " + example + ", made by the first sync)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Ok();  // Not there yet (or unreadable: said later).
  char head[16] = {};
  in.read(head, sizeof head);
  const std::streamsize got = in.gcount();
  // An empty file is what a first sync killed early leaves: a ledger to be.
  if (got == 0) return Status::Ok();
  static constexpr char kMagic[16] = "SQLite format 3";  // With its NUL.
  if (got < 16 || std::memcmp(head, kMagic, sizeof kMagic) != 0) {
    return Status::InvalidArgument(
        "--ledger " + path + " is not a context-cleaner ledger (not an SQLite "
        "database); give the ledger's file, or a path where one can be made");
  }
  return Status::Ok();
}

std::string_view ConfigValue(const ConfigValues& config, const std::string& key) {
  auto it = config.find(key);
  return it == config.end() ? std::string_view() : std::string_view(it->second);
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "unknown";
  return buf;
}

}  // namespace

const std::vector<FlagSpec>& AllFlags() {
  static const std::vector<FlagSpec> kFlags = {
      {"--claude-dir", "DIR",
       "A Claude Code config directory to read (repeatable). Default: "
       "$CLAUDE_CONFIG_DIR (comma-separated), else ~/.config/claude and "
       "~/.claude",
       true},
      {"--ledger", "PATH",
       "The ledger file. Default: $XDG_DATA_HOME/context-cleaner/ledger.db "
       "(~/.local/share/...)"},
      {"--source", "NAME", "Machine label stored with each event (default: "
                           "the host name); reports: only that machine's"},
      {"--verbose", "", "Say more", false, "-v"},
      {"--quiet", "", "Print only errors and results", false, "-q"},
      {"--no-color", "", "No colours even on a terminal"},
      {"--help", "", "Show help for the command", false, "-h"},
      {"--version", "", "Print the version"},
      {"--json", "", "Machine-readable output", false, "-j"},
      {"--since", "DATE",
       "First day counted (YYYY-MM-DD or YYYYMMDD; reports: a day in "
       "--timezone, backfill: a UTC day)",
       false, "-s"},
      {"--until", "DATE", "Last day counted (inclusive)", false, "-u"},
      {"--dry-run", "", "Read and report, write nothing"},
      {"--jobs", "N", "Files read in parallel. Default: all cores"},
      {"--once", "", "One incremental pass, then exit"},
      {"--start-monitoring", "",
       "Catch up, then keep the ledger current as transcripts change "
       "(inotify); Ctrl-C or SIGTERM to stop"},
      {"--interval", "MINUTES", "A pass every MINUTES until stopped"},
      {"--poll", "SECONDS",
       "Monitoring (run, --start-monitoring): poll every SECONDS, not inotify"},
      {"--reconcile", "SECONDS",
       "Monitoring (run, --start-monitoring): full scan every SECONDS (60)"},
      {"--config", "FILE",
       "Settings file (JSON: {\"prices\": FILE, \"timezone\": ZONE}). "
       "Default: $XDG_CONFIG_HOME/context-cleaner/config.json"},
      {"--clickhouse", "URL",
       "Ship the ledger to ClickHouse: http(s)://[user[:password]@]host[:port]"
       "/database (or $CONTEXT_CLEANER_CLICKHOUSE; password also from "
       "$CLICKHOUSE_PASSWORD)"},
      {"--clickhouse-password-file", "FILE",
       "Read the ClickHouse password from FILE (its first line)"},
      {"--clickhouse-ca", "FILE", "Extra CA certificates for https"},
      {"--cluster", "NAME",
       "Create the ClickHouse tables ON CLUSTER NAME (replicated + "
       "distributed)"},
      {"--prices", "FILE",
       "Prices that override or extend the built-in table (our format or "
       "LiteLLM's model_prices_and_context_window.json)"},
      {"--timezone", "ZONE",
       "IANA time zone for days, weeks, months (default: the system's)", false,
       "-z"},
      {"--breakdown", "", "Per-model lines under each row", false, "-b"},
      {"--project", "NAME",
       "Only this project: its name (spotter), path (~/src/spotter), alias "
       "or folder under projects/", false, "-p"},
      {"--project-aliases", "LIST",
       "Show projects as aliases: 'name-or-path=Alias,...' (config: "
       "\"projectAliases\")"},
      {"--instances", "", "report daily: each project's days under its name", false,
       "-i"},
      {"--order", "asc|desc", "Oldest first (asc, default) or newest first",
       false, "-o"},
      {"--compact", "", "Fewer columns"},
      {"--from", "ledger|clickhouse",
       "Read the ledger (default) or the team's ClickHouse (--clickhouse)"},
      {"--host", "ADDRESS",
       "Dashboard: the address to listen on (default 127.0.0.1; any other "
       "needs a token)"},
      {"--port", "PORT", "Dashboard: the port (default 8110; 0: any free one)"},
      {"--auth-token", "TOKEN",
       "Dashboard: every request must carry it (?token= or Authorization: "
       "Bearer). Visible to other local users (ps, /proc/PID/cmdline): "
       "prefer --auth-token-file or $CONTEXT_CLEANER_AUTH_TOKEN"},
      {"--auth-token-file", "FILE",
       "Dashboard: the token from FILE (one trailing newline dropped; "
       "chmod 600 it)"},
      {"--no-dashboard", "", "run: no dashboard"},
      {"--otel-port", "PORT",
       "OpenTelemetry receiver: the port (default 4318, OTLP/HTTP; 0: any)"},
      {"--otel-host", "ADDRESS", "OpenTelemetry receiver: a loopback address (default 127.0.0.1)"},
      {"--no-otel", "", "run: no OpenTelemetry receiver"},
      {"--write", "", "telemetry init, statusline init: merge into Claude Code's settings.json (a backup is kept)"},
      {"--settings", "FILE",
       "telemetry init, statusline init: the settings file (default $CLAUDE_CONFIG_DIR/settings.json, else "
       "~/.claude/settings.json)"},
      {"--force", "",
       "telemetry init, statusline init: replace another collector's endpoint, another "
       "status line"},
      {"--command", "CMD",
       "statusline init: the command Claude Code runs (default: this program's path + "
       "\" statusline\")"},
      {"--start-of-week", "DAY",
       "weekly, and the dashboard's \"this week\": the first day of a week (default "
       "sunday, or \"startOfWeek\" in the config file)"},
      {"--token-limit", "N|max",
       "blocks: warn at 80 % of N tokens per block (max: the largest block "
       "seen)",
       false, "-t"},
      {"--active", "", "blocks: only the active block, with its pace and "
                       "projection", false, "-a"},
      {"--recent", "", "blocks: only blocks started in the last 3 days, and "
                       "the active one", false, "-r"},
      {"--budget", "PERIOD:UNIT=N",
       "report budget, --fail-over-budget: a budget for this run instead of "
       "the config's (repeatable): day:usd=20, month:tokens=5000000, "
       "week:usd=60,project=~/work/billing,thresholds=80/100 (also name=, "
       "source=)",
       true},
      {"--fail-over-budget", "",
       "Reports: exit 1 when a budget (the config's, or --budget) is at or "
       "over its limit, naming it on stderr"},
      {"--segments", "LIST",
       "statusline: which segments, in order (model,session,today,block,"
       "context,limits)"},
      {"--thresholds", "WARN,ALERT",
       "statusline: percentages turn yellow at WARN, red at ALERT (50,80)"},
      {"--lines", "N", "statusline: spread the segments over N lines (1)"},
      {"--plain", "", "statusline: no colours"},
      {"--no-sync", "", "statusline: do not bring the session's transcript up to date"},
  };
  return kFlags;
}

const std::vector<std::string>& GlobalFlagNames() {
  static const std::vector<std::string> kNames = {
      "--claude-dir", "--ledger", "--source", "--verbose",
      "--quiet",      "--no-color", "--help", "--version",
      "--config",     "--prices", "--clickhouse", "--clickhouse-password-file",
      "--clickhouse-ca", "--cluster"};
  return kNames;
}

std::string Context::Holder(const std::string& command) const {
  return "pid " + std::to_string(getpid()) + " (context-cleaner " + command +
         ", started " +
         FormatIsoTimestampMs(
             std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count()) +
         ")";
}

Result<Context> ResolveContext(const ParsedArgs& args) {
  Context ctx;
  {
    std::optional<std::string> config_flag = args.Get("--config");
    const std::string path = config_flag.value_or(DefaultConfigPath());
    Result<ConfigValues> config = ReadConfigFile(path, config_flag.has_value());
    if (!config.ok()) return config.status();
    ctx.config = std::move(*config);
    Result<BudgetConfig> budgets = ParseBudgetConfig(
        path, ConfigValue(ctx.config, "budgets"), ConfigValue(ctx.config, "alerts"));
    if (!budgets.ok()) return budgets.status();
    ctx.budgets = std::move(*budgets);
  }
  auto setting = [&](const std::string& flag,
                     const std::string& key) -> std::optional<std::string> {
    if (std::optional<std::string> v = args.Get(flag)) return v;
    if (auto it = ctx.config.find(key); it != ctx.config.end()) return it->second;
    return std::nullopt;
  };
  RootsInput roots{args.GetAll("--claude-dir"), Env("CLAUDE_CONFIG_DIR"),
                   Env("HOME")};
  for (const std::string& dir : roots.flag_dirs) {
    if (dir.empty()) return Status::InvalidArgument("--claude-dir: empty path");
  }
  ctx.roots = ResolveRoots(roots);
  ctx.default_roots = roots.flag_dirs.empty() && !roots.config_dir_env;
  ctx.ledger_path = setting("--ledger", "ledger").value_or(DefaultLedgerPath());
  if (ctx.ledger_path.empty()) {
    return Status::InvalidArgument("--ledger: empty path");
  }
  if (Status s = CheckLedgerPath(ctx.ledger_path); !s.ok()) return s;
  ctx.source = setting("--source", "source").value_or(HostName());
  if (ctx.source.empty()) return Status::InvalidArgument("--source: empty name");
  if (args.Has("--quiet")) ctx.verbosity = -1;
  if (args.Has("--verbose")) ctx.verbosity = 1;
  ctx.stderr_tty = isatty(STDERR_FILENO) == 1;
  Result<std::shared_ptr<const PriceTable>> prices =
      ResolvePrices(setting("--prices", "prices"));
  if (!prices.ok()) return prices.status();
  ctx.prices = std::move(*prices);
  std::optional<std::string> url = args.Get("--clickhouse");
  if (!url) url = Env("CONTEXT_CLEANER_CLICKHOUSE");
  if (!url) {
    if (auto it = ctx.config.find("clickhouse"); it != ctx.config.end()) {
      url = it->second;
    }
  }
  if (url) {
    Result<ClickHouseEndpoint> endpoint = ParseClickHouseUrl(*url);
    if (!endpoint.ok()) return endpoint.status();
    if (Status s = ResolvePassword(&*endpoint, Env("CLICKHOUSE_PASSWORD"),
                                   args.Get("--clickhouse-password-file"));
        !s.ok()) {
      return s;
    }
    endpoint->ca_file = args.Get("--clickhouse-ca").value_or("");
    ctx.clickhouse = std::move(*endpoint);
  }
  ctx.cluster = setting("--cluster", "cluster");
  ctx.user_label = Env("USER").value_or("unknown");
  ctx.color = isatty(STDOUT_FILENO) == 1 && !args.Has("--no-color") &&
              !Env("NO_COLOR");
  // Once per command: a ledger others can read, and how to close it.
  if (std::optional<std::string> w = ExposureWarning(ctx.ledger_path)) {
    PrintWarning(ctx, *w);
  }
  return ctx;
}

std::string DefaultLedgerFile() { return DefaultLedgerPath(); }
std::string DefaultConfigFile() { return DefaultConfigPath(); }
std::string ThisHostName() { return HostName(); }
Result<std::shared_ptr<const PriceTable>> ResolvePriceTable(
    std::optional<std::string> override_path) {
  return ResolvePrices(std::move(override_path));
}

void PrintError(const std::string& message) {
  std::fprintf(stderr, "context-cleaner: error: %s\n",
               TerminalSafe(message).c_str());
}

void PrintWarning(const Context& ctx, const std::string& message) {
  if (ctx.verbosity < 0) return;
  std::fprintf(stderr, "context-cleaner: warning: %s\n",
               TerminalSafe(message).c_str());
}

void PrintOut(const std::string& text) { PrintTable(TerminalSafeLines(text)); }

void PrintTable(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  return status.code() == Status::Code::kInvalidArgument ? kExitUsage : 3;
}

int ErrorExit(const Status& status) {
  PrintError(status.message());
  return ExitCodeFor(status);
}

}  // namespace cc::cli

namespace cc::cli {

void WarnUnpricedModels(const Context& ctx,
                        const std::set<std::string>& models) {
  static std::set<std::string> warned;  // Once per model per process.
  for (const std::string& m : models) {
    if (!warned.insert(m).second) continue;
    PrintWarning(ctx, "no price for model '" + (m.empty() ? "(none)" : m) +
                          "': its tokens are counted, its cost shown as "
                          "unknown; add it with --prices FILE, then run "
                          "`context-cleaner bridge reprice`");
  }
}

}  // namespace cc::cli
