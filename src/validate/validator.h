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

class Ledger;

struct DayComparison {
  int64_t day = 0;
  Tokens files;   // Re-derived from the transcripts.
  Tokens ledger;  // The ledger's events that the files can vouch for.
  uint64_t file_events = 0;
  uint64_t ledger_events = 0;
  bool matches() const { return files == ledger && file_events == ledger_events; }
};

struct ValidationReport {
  std::vector<DayComparison> days;  // Every day seen on either side.
  uint64_t files_read = 0;
  uint64_t events_in_files = 0;
  uint64_t events_missing_from_ledger = 0;  // In files, not in the ledger.
  uint64_t events_only_in_ledger = 0;  // Their file exists but lacks them.
  uint64_t events_from_gone_files = 0;  // Not re-derivable; not a mismatch.
  Tokens gone_tokens;
  std::vector<std::string> unreadable_files;
  std::vector<std::string> sample_differences;  // A few keys, explained.

  bool ok() const;
};

Result<ValidationReport> Validate(Ledger& ledger,
                                  const std::vector<std::string>& roots,
                                  size_t jobs);

}  // namespace cc
