// ship_bench: shipping throughput and a report in the real engine.
//
//   build/dev/tests/ship_bench [EVENTS]      (default 1,000,000)
//
// Builds a ledger of EVENTS events (through LedgerWriter::Commit), ships it all
// to the chDB-backed HTTP server on loopback (libcurl, zstd, RowBinary),
// then runs `report daily` from ClickHouse. Prints events/s, the CPU time
// this process spent shipping (the client's share; the server's engine
// runs in-process too and is reported apart), and the report's time.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "chdb/chdb_http_server.h"
#include "clickhouse/body_compression.h"
#include "clickhouse/row_format.h"
#include "clickhouse/shipper.h"
#include "clickhouse/usage_query.h"
#include "core/clock.h"
#include "ledger/ledger_writer.h"
#include "report/report_render.h"
#include "report/usage_report.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point a,
               std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double ThreadCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cc;
  const size_t events =
      argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  std::string why;
  test::ChdbSession* ch = test::ChdbSession::Get(&why);
  if (ch == nullptr) {
    std::fprintf(stderr, "ship_bench: chDB unavailable: %s\n", why.c_str());
    _exit(3);
  }
  const std::string path =
      (std::filesystem::temp_directory_path() / "cc-ship-bench.db").string();
  for (const char* s : {"", "-wal", "-shm", ".lock"}) {
    std::filesystem::remove(path + s);
  }
  auto ledger = LedgerWriter::Open(path, "ship_bench");
  if (!ledger.ok()) _exit(1);
  std::mt19937_64 rng(5);
  const char* models[] = {"claude-sonnet-4-5-20250929", "claude-opus-4-6",
                          "claude-haiku-4-5-20251001"};
  auto t0 = std::chrono::steady_clock::now();
  Batch b;
  int64_t t = 1'735'689'600'000;
  for (size_t i = 0; i < events; ++i) {
    Event e;
    e.key = "msg_" + std::to_string(i) + ":req_" + std::to_string(i);
    e.tokens.input = rng() % 50;
    e.tokens.output = rng() % 2000;
    e.tokens.cache_creation = rng() % 5000;
    e.tokens.cache_read = rng() % 150000;
    e.attributes.session_id = "session-" + std::to_string(i / 120);
    e.attributes.project = "project-" + std::to_string(i / 120 % 30);
    e.attributes.model = models[rng() % 3];
    e.attributes.cwd = "/home/dev/src/project-" + std::to_string(i / 120 % 30);
    e.attributes.version = "2.1.39";
    e.first = Provenance{t, "/f.jsonl", i};
    t += 20'000;
    b.events.push_back(std::move(e));
    if (b.events.size() == 20'000) {
      if (!(*ledger)->Commit(b, "bench-host", 1).ok()) _exit(1);
      b.events.clear();
    }
  }
  if (!(*ledger)->Commit(b, "bench-host", 1).ok()) _exit(1);
  auto t1 = std::chrono::steady_clock::now();
  std::printf("ledger: %zu events in %.1f s\n", events, Seconds(t0, t1));

  {
    // Where the client's time goes: reading the outbox, writing RowBinary,
    // compressing (50,000-row bodies, as the shipper cuts them).
    double read_s = 0, encode_s = 0, zstd_s = 0;
    size_t raw = 0, packed = 0, rows = 0;
    std::string body;
    auto flush = [&] {
      auto a = std::chrono::steady_clock::now();
      packed += Zstd(body)->size();
      zstd_s += Seconds(a, std::chrono::steady_clock::now());
      raw += body.size();
      body.clear();
    };
    auto a = std::chrono::steady_clock::now();
    (void)(*ledger)->ship_queue().ForEachOutboxEvent(0, INT64_MAX,
                                        [&](const EventRow&) { ++rows; });
    read_s = Seconds(a, std::chrono::steady_clock::now());
    a = std::chrono::steady_clock::now();
    (void)(*ledger)->ship_queue().ForEachOutboxEvent(
        0, INT64_MAX, [&](const EventRow& e) {
          AppendRowBinary(body, e, "bench");
          if (body.size() > 50'000 * 160) {
            auto z = std::chrono::steady_clock::now();
            flush();
            a += std::chrono::steady_clock::now() - z;  // Not encoding time.
          }
        });
    flush();
    encode_s = Seconds(a, std::chrono::steady_clock::now()) - read_s;
    std::printf(
        "client parts per event: outbox read %.2f us, RowBinary %.2f us, "
        "zstd %.2f us (%.0f -> %.0f bytes an event)\n",
        read_s * 1e6 / static_cast<double>(rows),
        encode_s * 1e6 / static_cast<double>(rows),
        zstd_s * 1e6 / static_cast<double>(rows),
        static_cast<double>(raw) / static_cast<double>(rows),
        static_cast<double>(packed) / static_cast<double>(rows));
  }

  test::ChdbHttpServer server(ch, "bench", "pw");
  auto http = MakeCurlHttpClient({});
  ClickHouseClient client(*ParseClickHouseUrl(server.Url("bench")), **http);
  SystemClock clock;
  ShipperOptions options;
  options.user = "bench";
  options.request_timeout_ms = 600'000;
  Shipper shipper((*ledger)->ship_queue(), client, clock, options);
  ClickHouseSchemaOptions schema;
  schema.database = "bench";
  if (!shipper.EnsureSchema(schema).ok()) _exit(1);
  const double cpu0 = ThreadCpuSeconds();
  auto t2 = std::chrono::steady_clock::now();
  Result<ShipSummary> shipped = shipper.Drain();
  auto t3 = std::chrono::steady_clock::now();
  const double cpu1 = ThreadCpuSeconds();
  if (!shipped.ok() || shipped->rows_sent != events) {
    std::fprintf(stderr, "ship_bench: shipping failed: %s\n",
                 shipped.ok() ? shipped->last_error.c_str()
                              : shipped.status().message().c_str());
    _exit(1);
  }
  std::printf("shipped: %zu events in %zu batches in %.2f s = %.0f events/s\n",
              events, static_cast<size_t>(shipped->batches_sent),
              Seconds(t2, t3), static_cast<double>(events) / Seconds(t2, t3));
  std::printf(
      "client CPU (freeze, read, serialise, zstd, send; this thread): %.2f s\n",
      cpu1 - cpu0);

  {
    auto a = std::chrono::steady_clock::now();
    Result<std::string> r =
        ch->Query(ClickHouseUsageSql("bench", UsageFilter{}), "TabSeparated");
    auto z = std::chrono::steady_clock::now();
    std::printf("the report's query in the engine alone: %.0f ms\n",
                Seconds(a, z) * 1000);
  }
  for (int run = 0; run < 3; ++run) {
    auto t4 = std::chrono::steady_clock::now();
    Result<UsageData> usage = QueryClickHouseUsage(client, UsageFilter{});
    ReportSpec spec;
    UsageReport report = BuildReport(*usage, spec);
    std::string json = ReportJson(report, RenderOptions{});
    auto t5 = std::chrono::steady_clock::now();
    std::printf(
        "report daily --from clickhouse over %zu events: %.0f ms "
        "(%zu rollup rows, %zu days)\n",
        events, Seconds(t4, t5) * 1000, usage->rows.size(), report.rows.size());
  }
  std::fflush(stdout);
  _exit(0);
}
