// The line parser alone: bytes of transcript per second on one core.
//
// Reads the *.jsonl files under $CC_BENCH_CORPUS (make one with
// tools/gen_corpus.py) into memory, up to $CC_BENCH_MAX_MB (default 512),
// then times cutting them into lines (memchr) and LineParser::Parse on
// every line, exactly as a sync does after read(2).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "parse/line_parser.h"

namespace {

std::string LoadCorpus() {
  const char* dir = std::getenv("CC_BENCH_CORPUS");
  if (dir == nullptr) return "";
  const char* max_mb = std::getenv("CC_BENCH_MAX_MB");
  size_t limit = (max_mb ? std::strtoull(max_mb, nullptr, 10) : 512) << 20;
  std::string corpus;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    corpus += ss.str();
    if (corpus.size() >= limit) break;
  }
  return corpus;
}

const std::string& Corpus() {
  static const std::string corpus = LoadCorpus();
  return corpus;
}

void BM_ParseLines(benchmark::State& state) {
  const std::string& corpus = Corpus();
  if (corpus.empty()) {
    state.SkipWithError("set CC_BENCH_CORPUS to a directory of transcripts");
    return;
  }
  cc::LineParser parser;
  cc::UsageRecord record;
  std::string reason;
  size_t records = 0;
  for (auto _ : state) {
    const char* p = corpus.data();
    const char* end = p + corpus.size();
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (nl == nullptr) nl = end;
      cc::LineOrigin origin{"bench.jsonl", "bench",
                            static_cast<uint64_t>(p - corpus.data())};
      if (parser.Parse({p, static_cast<size_t>(nl - p)}, origin, &record,
                       &reason) == cc::LineKind::kUsage) {
        ++records;
      }
      p = nl + 1;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(corpus.size()));
  state.counters["records"] = benchmark::Counter(
      static_cast<double>(records), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ParseLines)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
