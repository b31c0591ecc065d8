// BatchBuilder: gathers file pieces into one ledger Batch, merging events
// with the same key across pieces (a resumed session repeats its history),
// so each transaction touches each key once.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/civil_time.h"
#include "ledger/ledger_writer.h"
#include "sync/transcript_reader.h"

namespace cc {

class BatchBuilder {
 public:
  // Take() keeps only events whose merged earliest day is in `days`.
  explicit BatchBuilder(DayRange days = {}) : days_(days) {}

  // Adds a piece; its checkpoint is kept only if `keep_checkpoint`.
  void Add(FilePiece&& piece, bool keep_checkpoint);

  size_t events() const { return batch_.events.size(); }
  uint64_t bytes() const { return bytes_; }
  bool empty() const {
    return batch_.events.empty() && batch_.rejects.empty() &&
           batch_.checkpoints.empty();
  }

  // Hands out the batch and starts a new one.
  Batch Take();

 private:
  DayRange days_;
  Batch batch_;
  std::unordered_map<std::string, size_t> index_;  // key -> events position.
  uint64_t bytes_ = 0;
};

}  // namespace cc
