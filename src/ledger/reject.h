// Reject: a transcript line the ledger could not use, kept in `rejects`
// (written by LedgerWriter::Commit, read by LedgerReader::RecentRejects).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace cc {

// A line that could not be used, with enough to find it again.
struct Reject {
  std::string file;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string reason;
  // The first line's first bytes (at most kHeadBytes, not ending inside a
  // UTF-8 character). Kept in the ledger for people at this machine; never
  // served over HTTP, escaped (core/terminal_text.h) when printed.
  std::string head;
  uint64_t lines = 1;  // Adjacent bad lines with one reason share a row.

  static constexpr size_t kHeadBytes = 120;
};

}  // namespace cc
