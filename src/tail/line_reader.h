// LineReader: the bytes of a transcript from a checkpoint offset, cut into
// lines, in bounded memory (one buffer, however long the lines).
//
// Lines that fit the buffer are returned as they are. A longer line streams
// through a LongLineCompactor and comes back compacted (its huge strings
// emptied), with the offset and length it has in the file. The reader stops
// at `limit` (the size seen when the visit began), so a file growing while
// it is read is finished on the next visit.
//
// The last bytes without '\n' come back once as a Line with terminated ==
// false: the caller decides whether it is an unfinished write (leave it) or a
// whole object written without its newline (use it).
//
// It also keeps the bytes a checkpoint's fingerprint is made of (the
// file's first 4 KiB and the 4 KiB before any line end it returned), taken
// from the very bytes it handed out: a file rewritten while it is read can
// then never get a fingerprint that matches content we did not count.
//
// Not thread-safe; does not own the descriptor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "tail/file_identity.h"
#include "tail/long_line_compactor.h"

namespace cc {

struct Line {
  std::string_view text;  // Without the '\n'. Valid until the next Next().
  uint64_t offset = 0;    // File offset of the first byte.
  uint64_t length = 0;    // Bytes in the file, including the '\n'.
  bool terminated = true;
  bool compacted = false;   // text is the compactor's output.
  bool overflowed = false;  // Too long even compacted; text is empty.

  uint64_t end() const { return offset + length; }
};

class LineReader {
 public:
  static constexpr size_t kDefaultBufferBytes = 1 << 20;

  // `verified` holds the fingerprint bytes of [0, start_offset), as checked
  // against the previous checkpoint (empty when starting at 0).
  LineReader(int fd, uint64_t start_offset, uint64_t limit,
             FingerprintBytes verified = {},
             size_t buffer_bytes = kDefaultBufferBytes);

  // The next line; false at the end. I/O failures are errors.
  Result<bool> Next(Line* line);

  uint64_t bytes_read() const { return bytes_read_; }

  // The fingerprint of [0, offset), where `offset` is the start offset or
  // the end of a line returned by the latest Next().
  Fingerprint FingerprintAt(uint64_t offset) const;

 private:
  Result<size_t> Fill();  // Reads more bytes after end_; 0 at the end.
  bool TakeLine(Line* line);
  void EnterLongLine();
  void Drop(size_t bytes);  // Forgets buffer_[0, bytes), keeping history.

  int fd_;
  uint64_t limit_;
  uint64_t file_pos_;          // File offset of buffer_[end_].
  std::vector<char> buffer_;
  size_t begin_ = 0;           // First byte of the current line.
  size_t scan_ = 0;            // Bytes before this hold no '\n'.
  size_t end_ = 0;             // One past the last valid byte.
  bool long_line_ = false;     // The current line overflowed the buffer.
  uint64_t long_offset_ = 0;   // Its file offset.
  uint64_t long_length_ = 0;   // Bytes of it fed to the compactor.
  LongLineCompactor compactor_;
  bool done_ = false;
  uint64_t bytes_read_ = 0;
  std::string head_;     // The file's first min(4 KiB, bytes seen) bytes.
  std::string history_;  // The <= 4 KiB just before buffer_[0].
  std::string history_before_long_;  // The <= 4 KiB before long_offset_.
};

}  // namespace cc
