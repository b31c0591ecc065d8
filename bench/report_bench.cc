// Reports over big ledgers: 100,000 events (a year of a heavy user) and
// 1,000,000. The ledger is built once per size through LedgerWriter::Commit (so
// the rollup is the one a sync maintains) and kept in $TMPDIR between runs
// (CC_BENCH_KEEP=1 reuses it). Each iteration is what `report KIND` does
// after start-up: open the ledger, read the rollup rows, group them in a
// time zone with daylight saving, render JSON.
//
//   build/release/bench/report_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>


#include "bench_ledger.h"
#include "ledger/ledger_reader.h"
#include "report/report_render.h"
#include "report/usage_report.h"

namespace cc {
namespace {

void BM_Report(benchmark::State& state, ReportKind kind) {
  const size_t events = static_cast<size_t>(state.range(0));
  const std::string& path = LedgerOf(events);
  Result<TimeZone> zone = TimeZone::Load("America/New_York");
  if (!zone.ok()) {
    state.SkipWithError("no zoneinfo");
    return;
  }
  size_t rows = 0, lines = 0;
  for (auto _ : state) {
    auto ledger = LedgerReader::Open(path);
    auto usage = (*ledger)->Usage(UsageFilter{});
    ReportSpec spec;
    spec.kind = kind;
    spec.zone = *zone;
    spec.now_ms = kYearStart + 366 * kDayMs;
    UsageReport report = BuildReport(*usage, spec);
    RenderOptions opt;
    opt.zone = *zone;
    std::string json = ReportJson(report, opt);
    benchmark::DoNotOptimize(json);
    rows = usage->rows.size();
    lines = report.rows.size();
  }
  state.counters["events"] = static_cast<double>(events);
  state.counters["rollup_rows"] = static_cast<double>(rows);
  state.counters["report_rows"] = static_cast<double>(lines);
}

#define REPORT_BENCH(name, kind)           \
  BENCHMARK_CAPTURE(BM_Report, name, kind) \
      ->Arg(100'000)                       \
      ->Arg(1'000'000)                     \
      ->Unit(benchmark::kMillisecond)      \
      ->MinTime(0.5)
REPORT_BENCH(daily, ReportKind::kDaily);
REPORT_BENCH(weekly, ReportKind::kWeekly);
REPORT_BENCH(monthly, ReportKind::kMonthly);
REPORT_BENCH(session, ReportKind::kSession);
REPORT_BENCH(blocks, ReportKind::kBlocks);

}  // namespace
}  // namespace cc

BENCHMARK_MAIN();
