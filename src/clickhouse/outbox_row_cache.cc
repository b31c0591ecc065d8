#include "clickhouse/outbox_row_cache.h"

#include "clickhouse/row_format.h"

namespace cc {

OutboxRowCache::OutboxRowCache(std::string user, size_t max_bytes)
    : user_(std::move(user)), max_bytes_(max_bytes) {}

void OutboxRowCache::RestartAt(int64_t seq) {
  rows_.clear();
  bytes_ = 0;
  lo_ = hi_ = seq;
  started_ = true;
}

void OutboxRowCache::Committed(int64_t first_seq, int64_t end_seq,
                               const std::vector<OutboxEvent>& rows,
                               const std::vector<int64_t>& superseded) {
  std::lock_guard<std::mutex> lock(mu_);
  if (end_seq - first_seq != static_cast<int64_t>(rows.size())) {
    RestartAt(end_seq);  // Not a transaction the cache understands.
    return;
  }
  if (!started_ || first_seq != hi_) RestartAt(first_seq);  // A gap.
  size_t added = 0;
  for (const OutboxEvent& o : rows) {
    std::string& row = rows_.emplace_back();
    AppendRowBinary(row, o, user_);
    added += row.size();
  }
  if (bytes_ + added > max_bytes_) {
    RestartAt(end_seq);  // Too much to keep: these come from SQLite.
    return;
  }
  bytes_ += added;
  hi_ = end_seq;
  for (int64_t seq : superseded) {
    if (seq < lo_ || seq >= hi_) continue;
    std::string& row = rows_[static_cast<size_t>(seq - lo_)];
    bytes_ -= row.size();
    std::string().swap(row);
  }
}

std::optional<uint64_t> OutboxRowCache::AppendRange(int64_t first_seq,
                                                    int64_t last_seq,
                                                    std::string& body) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_ || first_seq < lo_ || last_seq >= hi_ || first_seq > last_seq) {
    return std::nullopt;
  }
  uint64_t n = 0;
  for (int64_t seq = first_seq; seq <= last_seq; ++seq) {
    const std::string& row = rows_[static_cast<size_t>(seq - lo_)];
    if (row.empty()) continue;
    body += row;
    ++n;
  }
  return n;
}

void OutboxRowCache::Release(int64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  while (lo_ <= seq && lo_ < hi_) {
    bytes_ -= rows_.front().size();
    rows_.pop_front();
    ++lo_;
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
