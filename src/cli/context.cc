#include "cli/context.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "core/civil_time.h"
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
      {"--source", "NAME", "Machine label stored with each event. Default: "
                           "the host name"},
      {"--verbose", "", "Say more", false, "-v"},
      {"--quiet", "", "Print only errors and results", false, "-q"},
      {"--no-color", "", "No colours even on a terminal"},
      {"--help", "", "Show help for the command", false, "-h"},
      {"--version", "", "Print the version"},
      {"--json", "", "Machine-readable output"},
      {"--since", "DATE", "First day counted (YYYY-MM-DD or YYYYMMDD, UTC)"},
      {"--until", "DATE", "Last day counted (inclusive)"},
      {"--dry-run", "", "Read and report, write nothing"},
      {"--jobs", "N", "Files read in parallel. Default: all cores"},
      {"--once", "", "One incremental pass, then exit"},
      {"--start-monitoring", "",
       "Catch up, then keep the ledger current as transcripts change "
       "(inotify); Ctrl-C or SIGTERM to stop"},
      {"--interval", "MINUTES", "A pass every MINUTES until stopped"},
      {"--poll", "SECONDS",
       "With --start-monitoring: poll every SECONDS instead of inotify"},
      {"--reconcile", "SECONDS",
       "With --start-monitoring: a full scan every SECONDS (default 60)"},
  };
  return kFlags;
}

const std::vector<std::string>& GlobalFlagNames() {
  static const std::vector<std::string> kNames = {
      "--claude-dir", "--ledger", "--source", "--verbose",
      "--quiet",      "--no-color", "--help", "--version"};
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
  RootsInput roots{args.GetAll("--claude-dir"), Env("CLAUDE_CONFIG_DIR"),
                   Env("HOME")};
  for (const std::string& dir : roots.flag_dirs) {
    if (dir.empty()) return Status::InvalidArgument("--claude-dir: empty path");
  }
  ctx.roots = ResolveRoots(roots);
  ctx.default_roots = roots.flag_dirs.empty() && !roots.config_dir_env;
  ctx.ledger_path = args.Get("--ledger").value_or(DefaultLedgerPath());
  if (ctx.ledger_path.empty()) {
    return Status::InvalidArgument("--ledger: empty path");
  }
  ctx.source = args.Get("--source").value_or(HostName());
  if (ctx.source.empty()) return Status::InvalidArgument("--source: empty name");
  if (args.Has("--quiet")) ctx.verbosity = -1;
  if (args.Has("--verbose")) ctx.verbosity = 1;
  ctx.stderr_tty = isatty(STDERR_FILENO) == 1;
  ctx.color = isatty(STDOUT_FILENO) == 1 && !args.Has("--no-color") &&
              !Env("NO_COLOR");
  return ctx;
}

void PrintError(const std::string& message) {
  std::fprintf(stderr, "context-cleaner: error: %s\n", message.c_str());
}

void PrintWarning(const Context& ctx, const std::string& message) {
  if (ctx.verbosity < 0) return;
  std::fprintf(stderr, "context-cleaner: warning: %s\n", message.c_str());
}

void PrintOut(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  return status.code() == Status::Code::kInvalidArgument ? kExitUsage : 3;
}

}  // namespace cc::cli
