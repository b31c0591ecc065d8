// CatchUpSession: without a monitor, the statusline brings the one session
// it shows up to date itself: its transcript and its subagents'
// (<dir>/<session>/subagents/*.jsonl), from their checkpoints, through the
// ordinary sync (sync/syncer.h, only_paths) so the result is what
// `bridge sync --once` would commit.
//
// It never waits: what is unread is measured from the checkpoints first
// (a read, no lock); nothing unread, or more than `max_unread_bytes`
// (a catch-up that would not fit the deadline), and it stops there. The
// writer lock is taken only if free; a monitor holding it keeps the ledger
// current anyway.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/ledger_reader.h"
#include "price/price_table.h"

namespace cc {

struct CatchUpRequest {
  std::string ledger_path;
  std::vector<std::string> roots;
  std::string source;
  std::string holder;  // For the lock file.
  std::string transcript_path;
  uint64_t max_unread_bytes = 4ull << 20;
  const PriceTable* prices = nullptr;  // Null: the built-in table.
};

enum class CatchUpOutcome { kNothing, kSynced, kTooBig, kLocked, kFailed };

struct CatchUpResult {
  CatchUpOutcome outcome = CatchUpOutcome::kNothing;
  uint64_t unread_bytes = 0;
  std::string message;  // Why it failed or was skipped.
};

// The session's transcripts that exist: the main one, then its subagents'.
std::vector<std::string> SessionTranscripts(const std::string& transcript_path);

// Bytes of `paths` after their checkpoints in `reader` (a whole file when
// it is new or was replaced).
Result<uint64_t> UnreadBytes(LedgerReader& reader, const std::vector<std::string>& paths);

CatchUpResult CatchUpSession(LedgerReader& reader, const CatchUpRequest& request);

}  // namespace cc
