// MeasureBacklog: how many bytes of the tracked transcripts are not in the
// ledger yet, measured now (stat of every active file against its
// checkpoint), so `sync-status` in another process tells the truth even
// while files grow between syncs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace cc {

class LedgerReader;

// A file's last line without its newline, which its last visit read and
// left: Claude Code is still writing it, or it was cut off.
struct UnfinishedLine {
  std::string file;
  uint64_t offset = 0;  // Where the line starts.
  uint64_t bytes = 0;
  int64_t modified_ms = 0;  // The file's mtime: when it was last written.
};

struct Backlog {
  // Sum over active files of size - offset, but for unfinished lines.
  uint64_t unread_bytes = 0;
  uint64_t files_behind = 0;  // Active files with unread bytes.
  uint64_t files_missing = 0;  // Active in the ledger, gone from disk now.
  // Unfinished lines are not lag: no sync can read them until their
  // newline comes, however often it runs. Counted apart, listed by path.
  uint64_t unfinished_bytes = 0;
  std::vector<UnfinishedLine> unfinished;
};

Result<Backlog> MeasureBacklog(LedgerReader& ledger);

// Lag: how long the oldest byte not yet in the ledger may have waited —
// zero when nothing is unread (unfinished lines aside), else the time since `last_pass_ms`
// (RunInfo::LastPassMs of the latest run).
int64_t BacklogLagMs(const Backlog& backlog, int64_t last_pass_ms,
                     int64_t now_ms);

}  // namespace cc
