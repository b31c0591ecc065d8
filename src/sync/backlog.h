// MeasureBacklog: how many bytes of the tracked transcripts are not in the
// ledger yet, measured now (stat of every active file against its
// checkpoint), so `sync-status` in another process tells the truth even
// while files grow between syncs.
#pragma once

#include <cstdint>

#include "core/result.h"

namespace cc {

class LedgerReader;

struct Backlog {
  uint64_t unread_bytes = 0;  // Sum over active files of size - offset.
  uint64_t files_behind = 0;  // Active files with unread bytes.
  uint64_t files_missing = 0;  // Active in the ledger, gone from disk now.
};

Result<Backlog> MeasureBacklog(LedgerReader& ledger);

// Lag: how long the oldest byte not yet in the ledger may have waited —
// zero when nothing is unread, else the time since `last_pass_ms`
// (RunInfo::LastPassMs of the latest run).
int64_t BacklogLagMs(const Backlog& backlog, int64_t last_pass_ms,
                     int64_t now_ms);

}  // namespace cc
