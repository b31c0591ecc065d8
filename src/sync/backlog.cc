#include "sync/backlog.h"

#include <algorithm>

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
    // The file is as its last visit saw it (a visit that ends records the
    // identity it read up to), yet bytes remain: the visit read every
    // complete line and left these, a last line without its newline.
    if (unread > 0 && *now == c.identity) {
      backlog.unfinished_bytes += unread;
      backlog.unfinished.push_back(
          UnfinishedLine{path, c.offset, unread, now->mtime_ns / 1'000'000});
      continue;
    }
    if (unread > 0) {
      backlog.unread_bytes += unread;
      ++backlog.files_behind;
    }
  }
  std::sort(backlog.unfinished.begin(), backlog.unfinished.end(),
            [](const UnfinishedLine& a, const UnfinishedLine& b) {
              return a.file < b.file;
            });
  return backlog;
}

int64_t BacklogLagMs(const Backlog& backlog, int64_t last_pass_ms,
                     int64_t now_ms) {
  if (backlog.unread_bytes == 0) return 0;
  return now_ms > last_pass_ms ? now_ms - last_pass_ms : 0;
}

}  // namespace cc
