#include "sync/backlog.h"

#include "ledger/ledger_reader.h"
#include "tail/file_identity.h"

namespace cc {

Result<Backlog> MeasureBacklog(LedgerReader& ledger) {
  CheckpointMap checkpoints;
  if (Status s = ledger.LoadCheckpoints(&checkpoints); !s.ok()) return s;
  Backlog backlog;
  for (const auto& [path, c] : checkpoints) {
    if (c.gone) continue;
    Result<FileIdentity> now = StatPath(path);
    if (!now.ok()) {
      ++backlog.files_missing;
      continue;
    }
    bool replaced = now->inode != c.identity.inode ||
                    now->device != c.identity.device ||
                    now->size_bytes < c.offset;
    uint64_t unread = replaced ? now->size_bytes : now->size_bytes - c.offset;
    if (unread > 0) {
      backlog.unread_bytes += unread;
      ++backlog.files_behind;
    }
  }
  return backlog;
}

int64_t BacklogLagMs(const Backlog& backlog, int64_t last_pass_ms,
                     int64_t now_ms) {
  if (backlog.unread_bytes == 0) return 0;
  return now_ms > last_pass_ms ? now_ms - last_pass_ms : 0;
}

}  // namespace cc
