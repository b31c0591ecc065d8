// What 20 budgets (and the anomaly check) add to a commit and to a
// backfill (docs/budgets.md, issue 17: <= 1 ms a commit, <= 2 % a
// backfill).
//
//   BM_CommitOneEvent/B: a commit of one new request at "now" into a copy
//     of the benchmarks' big ledger (bench_ledger.h: a year of a heavy
//     user, 1M events), with B budgets (0: no evaluator). The counter
//     eval_us is the evaluator's own time per commit (InTransaction).
//   BM_FirstCommit: the first commit of a process: the evaluator reads
//     the current periods' rollup (a month), the projects and the anomaly
//     baseline (14 days).
//   BM_BackfillFixtures/B/C: `bridge backfill` of the real fixtures
//     (../shared/fixtures/claude-code) into a fresh ledger, with B budgets;
//     C = 0: now is today (the fixtures are history: nothing to evaluate),
//     C = 1: now is the fixtures' last day (their events are in the
//     current periods: every commit evaluates).
//
//   build/release/bench/budget_bench [--benchmark_filter=...]
//   CC_BENCH_EVENTS=100000 for a smaller history.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "bench_ledger.h"
#include "budget/budget_evaluator.h"
#include "core/clock.h"
#include "ledger/ledger_writer.h"
#include "sync/syncer.h"

namespace cc {
namespace {

namespace fs = std::filesystem;

// 14:00 on the history's 350th day: its week, month and a block in
// progress hold the heavy user's requests.
constexpr int64_t kNow = kYearStart + 350 * kDayMs + 14 * 3'600'000;

size_t HistoryEvents() {
  const char* n = std::getenv("CC_BENCH_EVENTS");
  return n != nullptr ? std::strtoull(n, nullptr, 10) : 1'000'000;
}

// 20 budgets: each period in dollars and tokens, and days, weeks and
// months of four projects (the bench ledger's "project-N" folders).
std::vector<Budget> TwentyBudgets() {
  std::vector<Budget> out;
  int n = 0;
  auto add = [&](BudgetPeriod p, bool tokens, const std::string& project) {
    Budget b;
    b.name = "b" + std::to_string(n++);
    b.period = p;
    if (tokens) {
      b.tokens = 50'000'000;
    } else {
      b.usd = 500;
    }
    b.project = project;
    out.push_back(b);
  };
  for (BudgetPeriod p : {BudgetPeriod::kDay, BudgetPeriod::kWeek,
                         BudgetPeriod::kMonth, BudgetPeriod::kBlock}) {
    add(p, false, "");
    add(p, true, "");
  }
  for (int project = 1; project <= 4; ++project) {
    for (BudgetPeriod p : {BudgetPeriod::kDay, BudgetPeriod::kWeek, BudgetPeriod::kMonth}) {
      add(p, false, "project-" + std::to_string(project));
    }
  }
  return out;
}

BudgetConfig ConfigOf(int budgets) {
  BudgetConfig c;
  std::vector<Budget> all = TwentyBudgets();
  c.budgets.assign(all.begin(), all.begin() + budgets);
  c.alerts.channels.webhook_url = "https://hooks.example/x";
  return c;
}

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The evaluator, timed.
class TimedHook final : public CommitHook {
 public:
  explicit TimedHook(BudgetConfig config)
      : inner_(std::move(config), BudgetCalendar{}, ProjectLookup{}) {}
  Status InTransaction(sql::Database& db, const CommitSummary& what,
                       int64_t now_ms) override {
    const int64_t t = SteadyNs();
    Status s = inner_.InTransaction(db, what, now_ms);
    ns += SteadyNs() - t;
    ++calls;
    return s;
  }
  void AfterCommit(bool committed) override { inner_.AfterCommit(committed); }
  int64_t ns = 0;
  int64_t calls = 0;

 private:
  BudgetEvaluator inner_;
};

// A private copy of the big ledger (commits must not change the shared one).
std::string CopyOfHistory() {
  const std::string& source = LedgerOf(HistoryEvents());
  const std::string copy = (fs::temp_directory_path() / "cc-budget-bench.db").string();
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) fs::remove(copy + suffix);
  for (const char* suffix : {"", "-wal"}) {
    if (fs::exists(source + suffix)) fs::copy_file(source + suffix, copy + suffix);
  }
  return copy;
}

Event RequestAt(int64_t t, int64_t i) {
  Event e;
  e.key = "msg_bench_" + std::to_string(i) + ":req_bench_" + std::to_string(i);
  e.tokens.input = 20;
  e.tokens.output = 1500;
  e.tokens.cache_read = 120'000;
  e.attributes.session_id = "bench-session";
  e.attributes.project = "project-3";
  e.attributes.model = "claude-sonnet-4-5-20250929";
  e.first = Provenance{t, "/p/bench.jsonl", static_cast<uint64_t>(i) * 1000};
  return e;
}

std::unique_ptr<LedgerWriter> OpenWriter(const std::string& path) {
  Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(path, "budget_bench");
  if (!w.ok()) {
    std::fprintf(stderr, "%s\n", w.status().message().c_str());
    std::exit(1);
  }
  return std::move(*w);
}

void BM_CommitOneEvent(benchmark::State& state) {
  const std::string path = CopyOfHistory();
  const int budgets = static_cast<int>(state.range(0));
  TimedHook hook(ConfigOf(budgets));
  std::unique_ptr<LedgerWriter> w = OpenWriter(path);
  if (budgets > 0) w->SetCommitHook(&hook);
  int64_t i = 0;
  Batch batch;
  batch.events.push_back(RequestAt(kNow - 60'000, i++));
  if (!w->Commit(batch, "bench-host", kNow).ok()) std::exit(1);  // Warm.
  hook.ns = hook.calls = 0;
  for (auto _ : state) {
    batch.events[0] = RequestAt(kNow - 60'000 + i, i);
    ++i;
    if (!w->Commit(batch, "bench-host", kNow).ok()) std::exit(1);
  }
  if (hook.calls > 0) {
    state.counters["eval_us"] =
        static_cast<double>(hook.ns) / static_cast<double>(hook.calls) / 1e3;
  }
  w.reset();
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) fs::remove(path + suffix);
}
BENCHMARK(BM_CommitOneEvent)->Arg(0)->Arg(20)->Unit(benchmark::kMicrosecond);

void BM_FirstCommit(benchmark::State& state) {
  const std::string path = CopyOfHistory();
  std::unique_ptr<LedgerWriter> w = OpenWriter(path);
  int64_t i = 0;
  int64_t ns = 0;
  for (auto _ : state) {
    TimedHook hook(ConfigOf(20));  // A new process's evaluator.
    w->SetCommitHook(&hook);
    Batch batch;
    batch.events.push_back(RequestAt(kNow - 60'000 + i, i));
    ++i;
    if (!w->Commit(batch, "bench-host", kNow).ok()) std::exit(1);
    w->SetCommitHook(nullptr);
    ns += hook.ns;
  }
  state.counters["eval_us"] =
      static_cast<double>(ns) / static_cast<double>(state.iterations()) / 1e3;
  w.reset();
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) fs::remove(path + suffix);
}
BENCHMARK(BM_FirstCommit)->Unit(benchmark::kMillisecond);

// The fixtures as a Claude Code directory: projects/<one folder>/*.jsonl.
std::string FixtureRoot() {
  const fs::path shared = fs::path(CC_SOURCE_DIR) / "../shared/fixtures/claude-code";
  const fs::path root = fs::temp_directory_path() / "cc-budget-bench-claude";
  fs::remove_all(root);
  const fs::path project = root / "projects" / "-home-u-sample-project";
  fs::create_directories(project);
  for (const char* dir : {"real", "examples"}) {
    for (const auto& f : fs::directory_iterator(shared / dir)) {
      if (f.path().extension() == ".jsonl") {
        fs::copy_file(f.path(), project / (std::string(dir) + "-" +
                                           f.path().filename().string()));
      }
    }
  }
  return root.string();
}

class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_; }
  int64_t SteadyNs() const override { return SystemClock().SteadyNs(); }

 private:
  int64_t now_ms_;
};

void BM_BackfillFixtures(benchmark::State& state) {
  if (!fs::exists(fs::path(CC_SOURCE_DIR) / "../shared/fixtures/claude-code")) {
    state.SkipWithError("../shared/fixtures/claude-code is absent");
    return;
  }
  const std::string root = FixtureRoot();
  const int budgets = static_cast<int>(state.range(0));
  // 2025-09-07T23:00Z: the fixtures' last day, or today.
  const FixedClock clock(state.range(1) == 1 ? 1'757'286'000'000 : SystemClock().NowMs());
  const std::string path = (fs::temp_directory_path() / "cc-budget-bench-fixtures.db").string();
  int64_t eval_ns = 0, calls = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (const char* suffix : {"", "-wal", "-shm", ".lock"}) fs::remove(path + suffix);
    state.ResumeTiming();
    TimedHook hook(ConfigOf(budgets));
    std::unique_ptr<LedgerWriter> w = OpenWriter(path);
    if (budgets > 0) w->SetCommitHook(&hook);
    SyncOptions options;
    options.roots = {root};
    options.source = "bench-host";
    options.mode = SyncMode::kBackfill;
    options.jobs = 1;
    Syncer syncer(w.get(), clock);
    Result<SyncReport> r = syncer.Run(options, nullptr);
    if (!r.ok() || r->counters.events_new == 0) std::exit(1);
    eval_ns += hook.ns;
    calls += hook.calls;
  }
  state.counters["eval_us"] =
      static_cast<double>(eval_ns) / static_cast<double>(state.iterations()) / 1e3;
  state.counters["commits"] =
      static_cast<double>(calls) / static_cast<double>(state.iterations());
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) fs::remove(path + suffix);
}
BENCHMARK(BM_BackfillFixtures)
    ->Args({0, 0})
    ->Args({20, 0})
    ->Args({0, 1})
    ->Args({20, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cc

BENCHMARK_MAIN();
