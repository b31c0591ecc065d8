// RepairLedger: a damaged ledger rebuilt (`bridge repair`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "price/price_table.h"

namespace cc {

// What `bridge repair` found and did (RepairLedger).
struct RepairReport {
  std::vector<std::string> problems_before;  // integrity_check's lines.
  uint64_t events = 0;                       // Events in the repaired ledger.
  uint64_t keys_doubled = 0;                 // Keys stored more than once...
  uint64_t rows_merged = 0;  // ...and the extra rows merged into them.
  uint64_t rows_copied = 0;  // Rows of every table copied.
  std::vector<std::string>
      unsaved;  // Tables (or parts) that could not be read.
  std::vector<std::string> problems_after;  // integrity_check after: empty.
};

// Rebuilds the ledger at `path`, holding the writer lock (as `holder`):
// every table is copied row by row into a new file (so every index is
// built anew), events found more than once under one key (a damaged index
// let a later commit store a key again) are merged into one by
// Event::Merge, with a new change_seq, priced with `prices` (null: the
// built-in table), the rollup is rebuilt from the events, and the result
// replaces the ledger's content in one transaction (the file keeps its
// inode). A table that cannot be read through is named in `unsaved`; if
// the events cannot be read, the ledger is left as it was and the error
// says so.
Result<RepairReport> RepairLedger(const std::string& path,
                                  const std::string& holder,
                                  const PriceTable* prices = nullptr);

}  // namespace cc
