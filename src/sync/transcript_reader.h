// ReadTranscript: one transcript file -> pieces of (events merged by key,
// rejects, the checkpoint covering them), in file order.
//
// It opens the file, checks the previous checkpoint against what is on disk
// (device+inode, size, head and tail hashes) and reads from the checkpoint's
// offset, or from 0 when the file was replaced, truncated or rewritten. A
// piece is emitted every `piece_bytes` of input and at the end, so memory
// stays bounded whatever the file's size. Never throws; I/O failures are
// returned (the file is skipped, nothing is emitted for it after that).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/result.h"
#include "ledger/checkpoint.h"
#include "ledger/reject.h"
#include "parse/line_parser.h"
#include "source/transcript_finder.h"

namespace cc {

struct ReadOptions {
  bool ignore_checkpoint = false;    // Read from 0 regardless (backfill).
  uint64_t piece_bytes = 16 << 20;
  // The reader's Clock at the start of the pass: a usage record dated
  // outside [2023-01-01, now_ms + 1 day] is a reject (core/record_bounds.h).
  int64_t now_ms = 0;
};

enum class FileChange { kNew, kAppended, kReread };

struct FilePiece {
  std::vector<Event> events;  // Unique keys within the piece.
  std::vector<Reject> rejects;
  Checkpoint checkpoint;      // offset = end of the last line covered.
  uint64_t bytes_read = 0;
  uint64_t lines = 0;
  uint64_t records = 0;       // Usage records found (before merging).
  uint64_t rejected_lines = 0;  // May exceed rejects.size(): ranges merge.
  bool last = false;          // The final piece of this file for this visit.
};

struct FileReadResult {
  FileChange change = FileChange::kNew;
};

using PieceSink = std::function<void(FilePiece&&)>;

Result<FileReadResult> ReadTranscript(const TranscriptFile& file,
                                      const std::optional<Checkpoint>& previous,
                                      const ReadOptions& options,
                                      LineParser& parser,
                                      const PieceSink& sink);

}  // namespace cc
