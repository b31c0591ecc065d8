#include "clickhouse/outbox_row_cache.h"

#include <algorithm>

#include "clickhouse/row_format.h"

namespace cc {

OutboxRowCache::OutboxRowCache(std::string user, size_t max_bytes)
    : user_(std::move(user)), max_bytes_(max_bytes) {}

void OutboxRowCache::Begin(int64_t first_seq) {
  pending_first_ = first_seq;
  pending_valid_ = true;
  pending_.clear();
  pending_sizes_.clear();
  pending_superseded_.clear();
}

void OutboxRowCache::Row(const EventRow& row) {
  const int64_t expected =
      pending_first_ + static_cast<int64_t>(pending_sizes_.size());
  if (!pending_valid_ || row.change_seq != expected) {
    pending_valid_ = false;  // Not a transaction the cache understands.
    return;
  }
  const size_t before = pending_.size();
  AppendRowBinary(pending_, row, user_);
  pending_sizes_.push_back(static_cast<uint32_t>(pending_.size() - before));
}

void OutboxRowCache::Superseded(int64_t change_seq) {
  pending_superseded_.push_back(change_seq);
}

void OutboxRowCache::RolledBack() { pending_valid_ = false; }

void OutboxRowCache::RestartAt(int64_t seq) {
  first_block_ += blocks_.size();
  blocks_.clear();
  block_bytes_ = 0;
  slots_.clear();
  bytes_ = 0;
  lo_ = hi_ = seq;
  started_ = true;
}

void OutboxRowCache::Keep(const char* row, uint32_t size) {
  if (blocks_.empty() ||
      blocks_.back().size() + size > blocks_.back().capacity()) {
    blocks_.emplace_back().reserve(std::max<size_t>(kBlockBytes, size));
  }
  std::string& block = blocks_.back();
  slots_.push_back(Slot{first_block_ + blocks_.size() - 1,
                        static_cast<uint32_t>(block.size()), size});
  block.append(row, size);
  block_bytes_ += size;
  bytes_ += size;
}

void OutboxRowCache::Committed(int64_t end_seq) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool whole =
      pending_valid_ &&
      end_seq - pending_first_ == static_cast<int64_t>(pending_sizes_.size());
  pending_valid_ = false;
  if (!whole) {
    RestartAt(end_seq);  // What it took is unknown here.
    return;
  }
  if (!started_ || pending_first_ != hi_) RestartAt(pending_first_);  // A gap.
  if (block_bytes_ + pending_.size() > max_bytes_) {
    RestartAt(end_seq);  // Too much to keep: these come from SQLite.
    return;
  }
  const char* row = pending_.data();
  for (uint32_t size : pending_sizes_) {
    Keep(row, size);
    row += size;
  }
  hi_ = end_seq;
  for (int64_t seq : pending_superseded_) {
    if (seq < lo_ || seq >= hi_) continue;
    Slot& slot = slots_[static_cast<size_t>(seq - lo_)];
    bytes_ -= slot.size;
    slot.size = 0;
  }
  if (pending_.capacity() > (16u << 20)) std::string().swap(pending_);
}

std::optional<uint64_t> OutboxRowCache::AppendRange(int64_t first_seq,
                                                    int64_t last_seq,
                                                    std::string& body) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_ || first_seq < lo_ || last_seq >= hi_ || first_seq > last_seq) {
    return std::nullopt;
  }
  size_t total = 0;
  for (int64_t seq = first_seq; seq <= last_seq; ++seq) {
    total += slots_[static_cast<size_t>(seq - lo_)].size;
  }
  body.reserve(body.size() + total);
  uint64_t n = 0;
  for (int64_t seq = first_seq; seq <= last_seq; ++seq) {
    const Slot& slot = slots_[static_cast<size_t>(seq - lo_)];
    if (slot.size == 0) continue;
    body.append(blocks_[static_cast<size_t>(slot.block - first_block_)].data() +
                    slot.offset,
                slot.size);
    ++n;
  }
  return n;
}

void OutboxRowCache::Release(int64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  while (lo_ <= seq && lo_ < hi_) {
    bytes_ -= slots_.front().size;
    slots_.pop_front();
    ++lo_;
  }
  // Blocks before the first kept row's are free.
  const uint64_t keep_from =
      slots_.empty() ? first_block_ + blocks_.size() : slots_.front().block;
  while (first_block_ < keep_from) {
    block_bytes_ -= blocks_.front().size();
    blocks_.pop_front();
    ++first_block_;
  }
}

size_t OutboxRowCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

std::pair<int64_t, int64_t> OutboxRowCache::covered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {lo_, hi_};
}

}  // namespace cc
