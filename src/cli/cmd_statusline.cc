// `context-cleaner statusline`: Claude Code's statusLine command. Wires
// flags, the config file and the environment to statusline/ and prints.
//
// Never blank, never slow: stdin is read with a deadline
// (statusline/stdin_reader.h), and from then on a line that needs nothing
// but stdin is ready: a SIGALRM at the hard deadline (50 ms) prints it
// and exits 0 if the ledger has not answered by then. Errors go to a log
// file, not the line, and the exit is always 0 once the flags parsed.
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "budget/budget_config.h"
#include "budget/budget_status.h"
#include "cli/commands.h"
#include "cli/config_file.h"
#include "cli/context.h"
#include "core/civil_time.h"
#include "core/terminal_text.h"
#include "ledger/ledger_reader.h"
#include "report/project_names.h"
#include "source/roots.h"
#include "statusline/catch_up.h"
#include "statusline/current_zone.h"
#include "statusline/figures.h"
#include "statusline/rate_limit_reading.h"
#include "statusline/render.h"
#include "statusline/stdin_reader.h"
#include "time/time_zone.h"

namespace cc::cli {
namespace {

constexpr int64_t kStdinDeadlineMs = 30;
// The hard deadline: 50 ms, or $CONTEXT_CLEANER_STATUSLINE_DEADLINE_MS (10
// to 10000) for a disk whose fsyncs make a catch-up's commit slower.
int64_t g_hard_deadline_ms = 50;
constexpr uint64_t kLogMaxBytes = 256 * 1024;
// A catch-up larger than this would not fit the deadline: left to a sync.
constexpr uint64_t kCatchUpMaxBytes = 1 << 20;

// The line printed by whoever gets there first: the command with the
// ledger's figures, or the alarm with stdin's alone.
std::atomic<bool> g_printed{false};
// Set while the session's catch-up commits: the alarm then prints, closes
// stdout and lets the commit finish (at most kCatchUpMaxBytes of input),
// so a slow disk delays the next line's figures, not their progress.
std::atomic<bool> g_finish_after_print{false};
char g_fallback[4096];
size_t g_fallback_len = 0;

void WriteAll(const char* data, size_t len) {
  while (len > 0) {
    const ssize_t n = write(STDOUT_FILENO, data, len);
    if (n <= 0) return;
    data += n;
    len -= static_cast<size_t>(n);
  }
}

void OnDeadline(int) {
  if (g_printed.exchange(true)) return;
  WriteAll(g_fallback, g_fallback_len);
  if (g_finish_after_print.load()) {
    close(STDOUT_FILENO);
    return;
  }
  _exit(0);
}

// (Re)arms the alarm with `fallback` as the line it prints; SIGALRM is
// blocked while the text is replaced.
void ArmDeadline(const std::string& fallback, int64_t start_ns) {
  sigset_t alarm_only, before;
  sigemptyset(&alarm_only);
  sigaddset(&alarm_only, SIGALRM);
  sigprocmask(SIG_BLOCK, &alarm_only, &before);
  g_fallback_len = std::min(fallback.size(), sizeof g_fallback);
  std::memcpy(g_fallback, fallback.data(), g_fallback_len);
  struct sigaction sa {};
  sa.sa_handler = OnDeadline;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, nullptr);
  int64_t left_us = (start_ns + g_hard_deadline_ms * 1'000'000 - MonotonicNs()) / 1000;
  if (left_us < 1000) left_us = 1000;
  itimerval t{};
  t.it_value.tv_sec = static_cast<time_t>(left_us / 1'000'000);
  t.it_value.tv_usec = static_cast<suseconds_t>(left_us % 1'000'000);
  setitimer(ITIMER_REAL, &t, nullptr);
  sigprocmask(SIG_SETMASK, &before, nullptr);
}

// Prints `text` unless the alarm already did; disarms it first.
void PrintOnce(const std::string& text) {
  itimerval off{};
  setitimer(ITIMER_REAL, &off, nullptr);
  if (g_printed.exchange(true)) return;
  WriteAll(text.data(), text.size());
}

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

// $XDG_STATE_HOME/context-cleaner/statusline.log (~/.local/state/...),
// kept under kLogMaxBytes by starting over (the previous one as .1).
std::string LogPath() {
  if (auto xdg = Env("XDG_STATE_HOME")) return *xdg + "/context-cleaner/statusline.log";
  return Env("HOME").value_or(".") + "/.local/state/context-cleaner/statusline.log";
}

void Log(const std::string& message) {
  const std::string path = LogPath();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) > kLogMaxBytes) {
    std::rename(path.c_str(), (path + ".1").c_str());
  }
  FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::fprintf(f, "%s %s\n", FormatIsoTimestampMs(now_ms).c_str(),
               TerminalSafe(message).c_str());
  std::fclose(f);
}

struct Settings {
  StatuslineOptions render;
  std::string ledger_path;
  std::optional<std::string> zone;
  std::optional<std::string> prices;
  std::string source;
  bool json = false;
  bool sync = true;
  // The config's budgets, read as every command reads them; the segment
  // or --json asks the ledger for their status.
  BudgetConfig budgets;
  int start_of_week = 0;
  ProjectLookup projects;
  std::vector<std::string> problems;  // Bad values: logged, defaults used.

  bool wants_budgets() const {
    return !budgets.budgets.empty() &&
           (json || std::find(render.segments.begin(), render.segments.end(),
                              Segment::kBudget) != render.segments.end());
  }
};

std::optional<std::string> Setting(const ParsedArgs& args, const ConfigValues& config,
                                   const std::string& flag, const std::string& key) {
  if (std::optional<std::string> v = args.Get(flag)) return v;
  if (auto it = config.find(key); it != config.end()) return it->second;
  return std::nullopt;
}

std::string_view ConfigText(const ConfigValues& config, const std::string& key) {
  auto it = config.find(key);
  return it == config.end() ? std::string_view() : std::string_view(it->second);
}

// Budgets, their week start and how their projects are found, as
// `report budget` takes them; a bad value is a problem, not a stop.
void ResolveBudgets(const ParsedArgs& args, const ConfigValues& config,
                    const std::string& config_path, Settings* s) {
  Result<BudgetConfig> budgets = ParseBudgetConfig(
      config_path, ConfigText(config, "budgets"), ConfigText(config, "alerts"));
  if (!budgets.ok()) {
    s->problems.push_back(budgets.status().message());
    return;
  }
  s->budgets = std::move(*budgets);
  if (s->budgets.budgets.empty()) return;
  if (auto day = Setting(args, config, "--start-of-week", "startOfWeek")) {
    if (std::optional<int> d = WeekdayFromName(*day)) {
      s->start_of_week = *d;
    } else {
      s->problems.push_back(std::string("start of week: expected a day name (sunday ... "
                                        "saturday), got '").append(*day).append("'"));
    }
  }
  s->projects.home = Env("HOME").value_or("");
  if (auto text = Setting(args, config, "--project-aliases", "projectAliases")) {
    Result<ProjectAliases> aliases = ParseProjectAliases(*text);
    if (aliases.ok()) s->projects.aliases = std::move(*aliases);
    else s->problems.push_back("projectAliases: " + aliases.status().message());
  }
}

Settings ResolveSettings(const ParsedArgs& args) {
  Settings s;
  ConfigValues config;
  std::optional<std::string> config_flag = args.Get("--config");
  const std::string config_path = config_flag.value_or(DefaultConfigFile());
  Result<ConfigValues> read = ReadConfigFile(config_path, config_flag.has_value());
  if (read.ok()) {
    config = std::move(*read);
  } else {
    s.problems.push_back(read.status().message());
  }
  if (auto list = Setting(args, config, "--segments", "statuslineSegments")) {
    Result<std::vector<Segment>> segments = ParseSegments(*list);
    if (segments.ok()) s.render.segments = *segments;
    else s.problems.push_back(segments.status().message());
  }
  if (auto t = Setting(args, config, "--thresholds", "statuslineThresholds")) {
    if (Status st = ParseThresholds(*t, &s.render); !st.ok()) s.problems.push_back(st.message());
  }
  if (auto lines = args.Get("--lines")) {
    const int n = std::atoi(lines->c_str());
    if (n >= 1 && n <= 6) s.render.lines = n;
    else s.problems.push_back(std::string("--lines: expected 1 to 6, got '").append(*lines).append("'"));
  }
  s.render.color = !args.Has("--plain") && !args.Has("--no-color") && !Env("NO_COLOR");
  if (auto cols = Env("COLUMNS")) s.render.columns = std::max(0, std::atoi(cols->c_str()));
  s.ledger_path = Setting(args, config, "--ledger", "ledger").value_or(DefaultLedgerFile());
  s.zone = Setting(args, config, "--timezone", "timezone");
  s.prices = Setting(args, config, "--prices", "prices");
  s.source = Setting(args, config, "--source", "source").value_or("");
  s.json = args.Has("--json");
  s.sync = !args.Has("--no-sync");
  ResolveBudgets(args, config, config_path, &s);
  return s;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out.append(l).append("\n");
  return out;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<LedgerReader> OpenLedger(const Settings& s) {
  if (access(s.ledger_path.c_str(), F_OK) != 0) {
    Log(std::string("no ledger at ").append(s.ledger_path).append(" (run `context-cleaner bridge sync --once`)"));
    return nullptr;
  }
  Result<std::unique_ptr<LedgerReader>> reader =
      LedgerReader::Open(s.ledger_path, nullptr, /*may_migrate=*/false);
  if (!reader.ok()) {
    Log(std::string("ledger ").append(s.ledger_path).append(": ").append(reader.status().message()));
    return nullptr;
  }
  return std::move(*reader);
}

// The zone the budgets' days, weeks and months are laid out in:
// --timezone / the config's (DayStartMs has loaded date/tz for it), else
// the system's by its current rule (statusline/current_zone.h: without
// date/tz's listing of every zone).
TimeZone BudgetZone(const Settings& s) {
  if (s.zone) {
    Result<TimeZone> z = TimeZone::Load(*s.zone);
    if (z.ok()) return *z;
  }
  return CurrentSystemZone();
}

// The budgets' status (a handful of indexed reads); a failure is logged
// and the segment left out.
std::vector<BudgetStatus> Budgets(LedgerReader& reader, const Settings& s,
                                  const TimeZone& zone, int64_t now_ms) {
  Result<std::vector<BudgetStatus>> statuses =
      ReadBudgetStatus(reader, s.budgets.budgets, s.budgets.alerts,
                       BudgetCalendar{zone, s.start_of_week}, now_ms, s.projects);
  if (!statuses.ok()) {
    Log(std::string("budgets: ").append(statuses.status().message()));
    return {};
  }
  for (const BudgetStatus& b : *statuses) {
    if (!b.problem.empty()) Log(std::string("budget ").append(b.budget.name).append(": ").append(b.problem));
  }
  return std::move(*statuses);
}

std::optional<StatuslineFigures> Figures(LedgerReader& reader, const Settings& s,
                                         const StatuslineInput& input, int64_t day_start_ms,
                                         int64_t now_ms) {
  Result<StatuslineFigures> figures =
      QueryFigures(reader, input.session_id, day_start_ms, now_ms);
  if (!figures.ok()) {
    Log(std::string("ledger ").append(s.ledger_path).append(": ").append(figures.status().message()));
    return std::nullopt;
  }
  return *figures;
}

// Whether the session's transcripts were brought up to date (new events).
bool CatchUp(LedgerReader& reader, const Settings& s, const ParsedArgs& args,
             const StatuslineInput& input) {
  if (!s.sync || input.transcript_path.empty()) return false;
  CatchUpRequest request;
  request.ledger_path = s.ledger_path;
  request.roots = ResolveRoots(
      RootsInput{args.GetAll("--claude-dir"), Env("CLAUDE_CONFIG_DIR"), Env("HOME")});
  request.source = s.source.empty() ? ThisHostName() : s.source;
  request.holder = std::string("pid ").append(std::to_string(getpid())).append(" (context-cleaner statusline)");
  request.transcript_path = input.transcript_path;
  request.max_unread_bytes = kCatchUpMaxBytes;
  // The price table is loaded only for a catch-up, and only when the
  // user overrides it (the built-in one is the writer's default).
  std::shared_ptr<const PriceTable> prices;
  if (s.prices) {
    Result<std::shared_ptr<const PriceTable>> p = ResolvePriceTable(s.prices);
    if (p.ok()) prices = *p;
    else Log(p.status().message());
  }
  request.prices = prices.get();
  CatchUpResult r = CatchUpSession(reader, request);
  if (r.outcome == CatchUpOutcome::kFailed || r.outcome == CatchUpOutcome::kTooBig) {
    Log(std::string("catch-up of ").append(input.transcript_path).append(": ").append(r.message));
  }
  return r.outcome == CatchUpOutcome::kSynced;
}

// When today began: in --timezone / the config's zone, else the system's
// through libc ($TZ, /etc/localtime): TimeZone::System() would walk all of
// /usr/share/zoneinfo to name the zone, some milliseconds at every run.
int64_t DayStartMs(const Settings& s, int64_t now_ms) {
  if (s.zone) {
    Result<TimeZone> z = TimeZone::Load(*s.zone);
    if (z.ok()) return z->LocalDayStart(z->LocalDay(now_ms));
    Log(std::string("timezone: ").append(z.status().message()));
  }
  const time_t now_s = static_cast<time_t>(now_ms / 1000);
  struct tm local {};
  if (localtime_r(&now_s, &local) == nullptr) return now_ms / 86'400'000 * 86'400'000;
  local.tm_hour = local.tm_min = local.tm_sec = 0;
  local.tm_isdst = -1;
  const time_t start = mktime(&local);
  return start == static_cast<time_t>(-1) ? now_ms / 86'400'000 * 86'400'000
                                          : static_cast<int64_t>(start) * 1000;
}

// How long the limits' history may wait for a writer's transaction.
constexpr int kRateLimitsBusyMs = 20;

}  // namespace

int RunStatusline(const ParsedArgs& args) {
  const int64_t start_ns = MonotonicNs();
  if (auto d = Env("CONTEXT_CLEANER_STATUSLINE_DEADLINE_MS")) {
    const long ms = std::atol(d->c_str());
    if (ms >= 10 && ms <= 10'000) g_hard_deadline_ms = ms;
  }
  Settings settings = ResolveSettings(args);
  StdinRead read = ReadStatuslineStdin(STDIN_FILENO, kStatuslineStdinMax,
                                       start_ns + kStdinDeadlineMs * 1'000'000);
  StatuslineInput input = ParseStatuslineInput(read.text);
  const int64_t now_ms = NowMs();
  if (!input.parsed) {
    std::string why = input.error;
    if (read.too_big) why += "; more than 256 KiB on stdin (the rest not read)";
    if (read.timed_out) why += "; stdin gave no complete object within 30 ms";
    Log(why);
  }
  for (const std::string& p : settings.problems) {
    Log(p);
    PrintError(p);
  }
  auto render = [&](const StatuslineFigures* f) {
    return settings.json ? StatuslineJson(input, f, now_ms)
                         : Join(RenderStatusline(input, f, settings.render, now_ms));
  };
  // From here a line is always ready: stdin's alone, then the ledger's as
  // it stood, then (after the catch-up) the ledger's up to date.
  ArmDeadline(render(nullptr), start_ns);
  std::optional<StatuslineFigures> figures;
  if (std::unique_ptr<LedgerReader> reader = OpenLedger(settings)) {
    const int64_t day_start = DayStartMs(settings, now_ms);
    figures = Figures(*reader, settings, input, day_start, now_ms);
    if (figures) ArmDeadline(render(&*figures), start_ns);
    // The budgets after the line without them is ready.
    std::optional<TimeZone> budget_zone;
    if (figures && settings.wants_budgets()) {
      budget_zone = BudgetZone(settings);
      figures->budgets = Budgets(*reader, settings, *budget_zone, now_ms);
      ArmDeadline(render(&*figures), start_ns);
    }
    g_finish_after_print = true;
    const bool caught_up = CatchUp(*reader, settings, args, input);
    g_finish_after_print = false;
    if (caught_up) {
      if (std::optional<StatuslineFigures> fresh =
              Figures(*reader, settings, input, day_start, now_ms)) {
        if (budget_zone) fresh->budgets = Budgets(*reader, settings, *budget_zone, now_ms);
        figures = fresh;
      }
    }
  }
  PrintOnce(render(figures ? &*figures : nullptr));
  // After the line: the official limits kept as history (only a change is
  // stored), beside a monitor holding the writer lock too; never creates a
  // ledger.
  std::optional<RateLimitReading> reading = RateLimitReadingOf(
      input, settings.source.empty() ? ThisHostName() : settings.source, now_ms);
  if (reading && access(settings.ledger_path.c_str(), F_OK) == 0) {
    Result<bool> stored = RecordRateLimitsAt(settings.ledger_path, *reading, kRateLimitsBusyMs);
    if (!stored.ok()) Log(std::string("rate limits: ").append(stored.status().message()));
  }
  return kExitOk;
}

}  // namespace cc::cli
