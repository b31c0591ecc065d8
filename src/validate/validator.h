// Validator: re-derives per-day totals from the transcripts still on disk,
// from byte 0 and in memory, without checkpoints or the ledger's
// incremental path, and compares them with the ledger.
//
// Events whose files are gone (Claude Code's 30-day cleanup) cannot be
// re-derived: they are counted separately, never as mismatches. That covers
// events with no line left in any present file, and, when the ledger knows
// of deleted files, events whose surviving lines are smaller copies (the
// ledger holds at least what the files show, field by field).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/tokens.h"

namespace cc {

class LedgerReader;
class PriceTable;

struct DayComparison {
  int64_t day = 0;
  Tokens files;   // Re-derived from the transcripts.
  Tokens ledger;  // The ledger's events that the files can vouch for.
  uint64_t file_events = 0;
  uint64_t ledger_events = 0;
  // Costs: the files' events priced afresh with the ledger's price table,
  // and the costs the ledger stored (compared when `costs_compared`).
  int64_t files_cost_nano = 0;
  int64_t ledger_cost_nano = 0;
  bool costs_compared = false;
  bool matches() const {
    return files == ledger && file_events == ledger_events &&
           (!costs_compared || files_cost_nano == ledger_cost_nano);
  }
};

struct ValidationReport {
  std::vector<DayComparison> days;  // Every day seen on either side.
  uint64_t files_read = 0;
  uint64_t events_in_files = 0;
  uint64_t events_missing_from_ledger = 0;  // In files, not in the ledger.
  uint64_t events_only_in_ledger = 0;  // Their file exists but lacks them.
  uint64_t events_from_gone_files = 0;  // Not re-derivable; not a mismatch.
  // Confirmed by Claude Code's telemetry, whose counts can exceed what
  // the files hold (a streaming partial): not compared with the files.
  uint64_t events_from_telemetry = 0;
  Tokens gone_tokens;
  std::vector<std::string> unreadable_files;
  std::vector<std::string> sample_differences;  // A few keys, explained.
  // Why costs were not compared (empty when they were).
  std::string costs_not_compared;

  bool ok() const;
};

// With `prices` (the table the ledger's costs should come from), costs are
// compared too: each re-derived event is priced afresh and the sum per day
// must equal the stored costs. Skipped, and said why, when the ledger's
// costs come from another table (run `bridge reprice` first).
Result<ValidationReport> Validate(LedgerReader& ledger,
                                  const std::vector<std::string>& roots,
                                  size_t jobs,
                                  const PriceTable* prices = nullptr);

}  // namespace cc
