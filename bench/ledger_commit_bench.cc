// LedgerWriter::Commit's figures: a fresh ledger takes `events` new events
// in batches of 5,000 (new), then the same events again with more output
// tokens (grow: a merge that changes the tokens only), then the same again
// (same: merges that change nothing). CPU time (the process's, so that
// other load on the machine counts less), median and least of 7 runs, in
// ns per event.
//
//   build/release/bench/ledger_commit_bench [events, default 50000]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "ledger/ledger_writer.h"

namespace {

double CpuNs() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

std::vector<cc::Event> Events(size_t n, uint64_t output) {
  std::vector<cc::Event> out(n);
  for (size_t i = 0; i < n; ++i) {
    cc::Event& e = out[i];
    e.key = "msg_" + std::to_string(i) + ":req_" + std::to_string(i);
    e.tokens = cc::Tokens{};
    e.tokens.input = 10;
    e.tokens.output = output + i % 100;
    e.tokens.cache_read = 20000;
    e.attributes.session_id = "session-" + std::to_string(i / 100);
    e.attributes.project = "project-" + std::to_string(i % 30);
    e.attributes.model = "claude-sonnet-4-5-20250929";
    e.attributes.cwd = "/home/dev/project-" + std::to_string(i % 30);
    e.attributes.version = "2.1.39";
    e.first = cc::Provenance{1'756'893'600'000 + static_cast<int64_t>(i) * 5000,
                             "/p/session-" + std::to_string(i / 100) + ".jsonl",
                             i * 1000};
  }
  return out;
}

double NsPerEvent(cc::LedgerWriter& w, const std::vector<cc::Event>& events) {
  const double start = CpuNs();
  cc::Batch batch;
  for (size_t i = 0; i < events.size(); i += 5000) {
    batch.events.assign(
        events.begin() + static_cast<long>(i),
        events.begin() + static_cast<long>(std::min(i + 5000, events.size())));
    if (!w.Commit(batch, "bench-host", 1).ok()) std::exit(1);
  }
  return (CpuNs() - start) / static_cast<double>(events.size());
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 50000;
  const std::vector<cc::Event> first = Events(n, 100);
  const std::vector<cc::Event> grown = Events(n, 200);
  const std::string path =
      (std::filesystem::temp_directory_path() / "cc-commit-bench.db").string();
  std::vector<double> phases[3];
  for (int run = 0; run < 7; ++run) {
    for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
      std::filesystem::remove(path + suffix);
    }
    auto w = cc::LedgerWriter::Open(path, "ledger_commit_bench");
    if (!w.ok()) return 1;
    phases[0].push_back(NsPerEvent(**w, first));
    phases[1].push_back(NsPerEvent(**w, grown));
    phases[2].push_back(NsPerEvent(**w, grown));
  }
  const char* names[] = {"new", "grow", "same"};
  for (int p = 0; p < 3; ++p) {
    std::sort(phases[p].begin(), phases[p].end());
    std::printf("%-5s %8.0f ns/event (min %.0f, max %.0f)\n", names[p],
                phases[p][3], phases[p][0], phases[p][6]);
  }
  return 0;
}
