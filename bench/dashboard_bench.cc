// The dashboard's API over a ledger of 1,000,000 events (bench_ledger.h):
// each call as the server makes it (DashboardApi::Handle on the current
// snapshot, JSON included), and the snapshot reload that follows a commit
// (done once per commit on the refresher thread, never by a request).
//
//   build/release/bench/dashboard_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <map>

#include "bench_ledger.h"
#include "dashboard/dashboard_api.h"
#include "dashboard/snapshot.h"
#include "ledger/ledger_reader.h"

namespace cc {
namespace {

constexpr size_t kEvents = 1'000'000;
// Late on the last working day of the data: a block is active, today,
// this week and this month all hold events.
constexpr int64_t kNow = kYearStart + 364 * kDayMs + 17 * 3'600'000;

struct Fixture {
  std::unique_ptr<LedgerReader> ledger;
  std::shared_ptr<const DashboardSnapshot> snapshot;
  std::unique_ptr<DashboardApi> api;
  std::string some_session;
};

Fixture& Get() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    auto reader = LedgerReader::Open(LedgerOf(kEvents));
    fx->ledger = std::move(*reader);
    fx->snapshot = *LoadLedgerSnapshot(*fx->ledger, kNow);
    fx->some_session = fx->snapshot->usage.dims.back().session_id;
    ApiSources src;
    src.snapshot = [fx] { return fx->snapshot; };
    src.session_events = [fx](const std::string& id, size_t limit) {
      return fx->ledger->SessionEvents(id, limit);
    };
    src.now_ms = [] { return kNow; };
    src.prices = &PriceTable::Embedded();
    src.default_zone = *TimeZone::Load("America/New_York");
    fx->api = std::make_unique<DashboardApi>(std::move(src));
    return fx;
  }();
  return *f;
}

void BM_Api(benchmark::State& state, std::string path,
            std::map<std::string, std::string> params) {
  Fixture& f = Get();
  if (path == "/api/session") params["id"] = f.some_session;
  size_t bytes = 0;
  for (auto _ : state) {
    ApiResponse r = f.api->Handle(ApiRequest{path, params});
    if (r.status != 200) {
      state.SkipWithError(r.body.c_str());
      return;
    }
    bytes = r.body.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["events"] = static_cast<double>(kEvents);
  state.counters["rollup_rows"] = static_cast<double>(f.snapshot->usage.rows.size());
  state.counters["bytes"] = static_cast<double>(bytes);
}

void BM_SnapshotReload(benchmark::State& state) {
  Fixture& f = Get();
  for (auto _ : state) {
    auto s = LoadLedgerSnapshot(*f.ledger, kNow);
    benchmark::DoNotOptimize(s);
  }
  state.counters["events"] = static_cast<double>(kEvents);
}

#define API_BENCH(name, path, ...)                          \
  BENCHMARK_CAPTURE(BM_Api, name, path, __VA_ARGS__)        \
      ->Unit(benchmark::kMillisecond)                       \
      ->MinTime(0.5)

using P = std::map<std::string, std::string>;
API_BENCH(overview, "/api/overview", P{});
API_BENCH(series_day_30d, "/api/series", P{{"bucket", "day"}});
API_BENCH(series_hour_48h, "/api/series", P{{"bucket", "hour"}});
API_BENCH(series_day_year, "/api/series",
          P{{"bucket", "day"}, {"from", "2025-01-01"}, {"to", "2025-12-31"}});
API_BENCH(series_hour_200d, "/api/series",
          P{{"bucket", "hour"}, {"from", "2025-06-01"}, {"to", "2025-12-17"}});
API_BENCH(series_week_year, "/api/series",
          P{{"bucket", "week"}, {"from", "2025-01-01"}, {"to", "2025-12-31"}});
API_BENCH(breakdown_project, "/api/breakdown", P{{"by", "project"}});
API_BENCH(breakdown_session_all, "/api/breakdown",
          P{{"by", "session"}, {"limit", "1000"}});
API_BENCH(breakdown_session_search, "/api/breakdown",
          P{{"by", "session"}, {"q", "session-12"}, {"sort", "last"}});
API_BENCH(breakdown_model, "/api/breakdown", P{{"by", "model"}});
API_BENCH(session_drilldown, "/api/session", P{});
API_BENCH(health, "/api/health", P{});
API_BENCH(metrics, "/metrics", P{});
BENCHMARK(BM_SnapshotReload)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace cc

BENCHMARK_MAIN();
