// A big ledger for the benchmarks: a year of a heavy user's work, built
// once per size through LedgerWriter::Commit (so the rollup is the one a sync
// maintains) and kept in $TMPDIR between runs (CC_BENCH_KEEP=1 reuses it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace cc {

inline constexpr int64_t kYearStart = 1'735'689'600'000;  // 2025-01-01T00:00:00Z.
inline constexpr int64_t kDayMs = 86'400'000;

// The ledger's path ($TMPDIR/cc-report-bench-N.db); built on first use.
const std::string& LedgerOf(size_t events);

}  // namespace cc
