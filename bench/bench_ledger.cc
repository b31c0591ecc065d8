#include "bench_ledger.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "ledger/ledger_writer.h"

namespace cc {
namespace {


// A year of work: sessions of 20-200 requests 5-60 s apart, in working
// hours, across 30 projects and three models.
std::string BuildLedger(size_t events) {
  const std::string path =
      (std::filesystem::temp_directory_path() /
       ("cc-report-bench-" + std::to_string(events) + ".db"))
          .string();
  if (std::getenv("CC_BENCH_KEEP") && std::filesystem::exists(path))
    return path;
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    std::filesystem::remove(path + suffix);
  }
  auto ledger = LedgerWriter::Open(path, "report_bench");
  if (!ledger.ok()) {
    std::fprintf(stderr, "%s\n", ledger.status().message().c_str());
    std::exit(1);
  }
  std::mt19937_64 rng(42);
  const char* models[] = {"claude-sonnet-4-5-20250929",
                          "claude-opus-4-5-20251101",
                          "claude-haiku-4-5-20251001"};
  Batch batch;
  size_t made = 0;
  int session = 0;
  while (made < events) {
    const int64_t day = static_cast<int64_t>(rng() % 365);
    int64_t t = kYearStart + day * kDayMs +
                (8 + static_cast<int64_t>(rng() % 10)) * 3'600'000 +
                static_cast<int64_t>(rng() % 3'600'000);
    const std::string sid = "session-" + std::to_string(session++);
    const std::string project = "project-" + std::to_string(rng() % 30);
    const size_t length = 20 + rng() % 180;
    for (size_t i = 0; i < length && made < events; ++i, ++made) {
      Event e;
      e.key = "msg_" + std::to_string(made) + ":req_" + std::to_string(made);
      e.tokens.input = rng() % 50;
      e.tokens.output = rng() % 2000;
      e.tokens.cache_creation = rng() % 5000;
      e.tokens.cache_read = rng() % 150000;
      e.attributes.session_id = sid;
      e.attributes.project = project;
      e.attributes.model = models[rng() % 10 < 7 ? 0 : (rng() % 2 ? 1 : 2)];
      e.first = Provenance{t, "/p/" + sid + ".jsonl", i * 1000};
      t += 5000 + static_cast<int64_t>(rng() % 55000);
      batch.events.push_back(std::move(e));
      if (batch.events.size() == 5000) {
        if (!(*ledger)->Commit(batch, "bench-host", 1).ok()) std::exit(1);
        batch.events.clear();
      }
    }
  }
  if (!(*ledger)->Commit(batch, "bench-host", 1).ok()) std::exit(1);
  return path;
}

}  // namespace

const std::string& LedgerOf(size_t events) {
  static std::map<size_t, std::string> built;
  auto it = built.find(events);
  if (it == built.end()) it = built.emplace(events, BuildLedger(events)).first;
  return it->second;
}

}  // namespace cc
