// OutboxRowCache: the outbox's newest rows, already in RowBinary, for a
// shipper in the process that commits them (a backfill, `sync --once`, the
// monitor, `run`). Sending a batch from here instead of reading its rows
// back from SQLite is most of what keeps shipping cheap next to ingestion
// (docs/clickhouse.md, "Figures").
//
// Why it cannot send a wrong row: the row state written at a change number
// never changes (a later change takes a new number), so a cached row is
// exactly what SQLite held at that number. The cache covers one run of
// change numbers [lo, hi) that it saw committed one transaction after
// another; a batch is served from it only when its whole range lies inside
// that run, so every row SQLite has in the range was seen here. A gap (a
// transaction of another connection, a reprice) or a transaction that
// would overflow `max_bytes` starts the run afresh after it. A row that
// another connection replaced may still be sent in its older state: the
// table keeps the highest change_seq of each key, so that is harmless.
//
// Memory: the rows' bytes (about 250 bytes an event) in blocks of 1 MB and
// 16 bytes of index each, at most `max_bytes` of rows, plus the
// transaction being written.
//
// Thread safety: the OutboxTap calls come from the writing thread;
// AppendRange, Release and the accessors may come from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/outbox_tap.h"

namespace cc {

class OutboxRowCache : public OutboxTap {
 public:
  // What a process keeps for its shipper: about 130,000 events. A backfill
  // of more sends the rest from the ledger.
  static constexpr size_t kShipperBytes = size_t{32} << 20;

  // `user` labels every row (ShipperOptions::user); at most `max_bytes` of
  // rows are kept.
  OutboxRowCache(std::string user, size_t max_bytes);

  void Begin(int64_t first_seq) override;
  void Row(const EventRow& row) override;
  void Superseded(int64_t change_seq) override;
  void Committed(int64_t end_seq) override;
  void RolledBack() override;

  // Appends the RowBinary rows with change numbers in [first_seq, last_seq]
  // to `body` and returns how many, if the cache covers the whole range;
  // otherwise leaves `body` alone and returns nullopt.
  std::optional<uint64_t> AppendRange(int64_t first_seq, int64_t last_seq,
                                      std::string& body);

  // Forgets the rows up to and including `seq` (ClickHouse has them).
  void Release(int64_t seq);

  size_t bytes() const;  // Of the rows kept.
  // The covered run [lo, hi) of change numbers (lo == hi: none).
  std::pair<int64_t, int64_t> covered() const;

 private:
  // Rows live in blocks of about 1 MB, never split: the cache grows and
  // shrinks a block at a time, with no buffer copied as it grows.
  static constexpr size_t kBlockBytes = size_t{1} << 20;
  struct Slot {
    uint64_t block;   // Block number; blocks_[0] is first_block_.
    uint32_t offset;  // In the block.
    uint32_t size;    // 0: superseded, no row holds this change number.
  };
  void RestartAt(int64_t seq);                // Holds mu_.
  void Keep(const char* row, uint32_t size);  // Holds mu_.

  const std::string user_;
  const size_t max_bytes_;

  // The transaction being written (writer thread only).
  int64_t pending_first_ = 0;
  bool pending_valid_ = false;
  std::string pending_;
  std::vector<uint32_t> pending_sizes_;
  std::vector<int64_t> pending_superseded_;

  mutable std::mutex mu_;
  int64_t lo_ = 0;  // slots_[i] is the row at change number lo_ + i.
  int64_t hi_ = 0;  // One past the last change number seen.
  bool started_ = false;
  std::deque<std::string> blocks_;
  uint64_t first_block_ = 0;
  size_t block_bytes_ = 0;  // Used in blocks_, superseded rows included.
  std::deque<Slot> slots_;
  size_t bytes_ = 0;
};

}  // namespace cc
