// Checkpoint: where reading a transcript stopped, kept in `files`
// (written by LedgerWriter::Commit, read by LedgerReader::LoadCheckpoints).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "tail/file_identity.h"

namespace cc {

// Where reading a transcript stopped: the end of the last complete line.
struct Checkpoint {
  std::string path;
  std::string root;
  std::string project;
  FileIdentity identity;  // As seen when the bytes up to `offset` were read.
  uint64_t offset = 0;    // First byte not yet read.
  Fingerprint fingerprint;
  // The latest usage-record timestamp in the bytes up to `offset` (0: none
  // yet): the file's end, which orders copies of one request in several
  // files (core/event.h).
  int64_t end_ms = 0;
  bool gone = false;
  // This visit read the file from byte 0: the file's rejects and counters
  // are replaced, not added to.
  bool restarted = false;
  // Counters over the file's life (added to on each commit).
  uint64_t lines = 0;
  uint64_t records = 0;
  uint64_t rejects = 0;
  uint64_t rereads = 0;
};

// Checkpoints by path.
using CheckpointMap = std::unordered_map<std::string, Checkpoint>;

}  // namespace cc
