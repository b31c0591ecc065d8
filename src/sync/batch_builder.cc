#include "sync/batch_builder.h"

#include <utility>

namespace cc {

void BatchBuilder::Add(FilePiece&& piece, bool keep_checkpoint) {
  bytes_ += piece.bytes_read;
  for (Event& e : piece.events) {
    auto [it, inserted] = index_.try_emplace(e.key, batch_.events.size());
    if (inserted) {
      batch_.events.push_back(std::move(e));
    } else {
      batch_.events[it->second].Merge(e);
    }
  }
  for (Reject& r : piece.rejects) batch_.rejects.push_back(std::move(r));
  if (keep_checkpoint) batch_.checkpoints.push_back(std::move(piece.checkpoint));
}

Batch BatchBuilder::Take() {
  Batch out = std::move(batch_);
  if (days_.bounded()) {
    std::erase_if(out.events, [this](const Event& e) {
      return !days_.Contains(UtcDayOfMs(e.first.timestamp_ms));
    });
  }
  batch_ = Batch();
  index_.clear();
  bytes_ = 0;
  return out;
}

}  // namespace cc
