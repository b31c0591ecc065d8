#include "tail/line_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <string>

namespace cc {

LineReader::LineReader(int fd, uint64_t start_offset, uint64_t limit,
                       FingerprintBytes verified, size_t buffer_bytes)
    : fd_(fd),
      limit_(limit),
      file_pos_(start_offset),
      buffer_(buffer_bytes),
      compactor_(buffer_bytes),
      head_(std::move(verified.head)),
      history_(std::move(verified.tail)) {}

void LineReader::Drop(size_t bytes) {
  constexpr size_t kSpan = Fingerprint::kSpanBytes;
  if (bytes >= kSpan) {
    history_.assign(buffer_.data() + bytes - kSpan, kSpan);
  } else {
    history_.append(buffer_.data(), bytes);
    if (history_.size() > kSpan) history_.erase(0, history_.size() - kSpan);
  }
  std::memmove(buffer_.data(), buffer_.data() + bytes, end_ - bytes);
  end_ -= bytes;
}

Fingerprint LineReader::FingerprintAt(uint64_t offset) const {
  constexpr uint64_t kSpan = Fingerprint::kSpanBytes;
  const uint64_t span = std::min(kSpan, offset);
  const uint64_t buffer_offset = file_pos_ - end_;
  std::string tail;
  if (offset < buffer_offset) {
    // Only possible for the start of an unfinished long line, whose bytes
    // streamed away: the history saved when it began ends there.
    tail = history_before_long_;
  } else {
    // The bytes before `offset`: history_, then buffer_[0, in_buffer).
    const size_t in_buffer = offset - buffer_offset;
    if (in_buffer < span) tail = history_;
    size_t from = in_buffer > span ? in_buffer - span : 0;
    tail.append(buffer_.data() + from, in_buffer - from);
  }
  tail.erase(0, tail.size() - std::min<size_t>(tail.size(), span));
  return FingerprintOf(FingerprintBytes{head_.substr(0, span), tail});
}

Result<size_t> LineReader::Fill() {
  if (file_pos_ >= limit_ || end_ == buffer_.size()) return size_t{0};
  size_t want = std::min<uint64_t>(buffer_.size() - end_, limit_ - file_pos_);
  for (;;) {
    ssize_t n = pread(fd_, buffer_.data() + end_, want,
                      static_cast<off_t>(file_pos_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("read: ") + strerror(errno));
    auto got = static_cast<size_t>(n);
    if (file_pos_ < Fingerprint::kSpanBytes) {  // Keep the file's head.
      size_t keep = std::min<size_t>(got, Fingerprint::kSpanBytes - file_pos_);
      head_.append(buffer_.data() + end_, keep);
    }
    end_ += got;
    file_pos_ += got;
    bytes_read_ += got;
    return got;
  }
}

// Cuts the next '\n'-terminated line out of the buffer, if there is one.
bool LineReader::TakeLine(Line* line) {
  const char* start = buffer_.data() + scan_;
  const void* nl = std::memchr(start, '\n', end_ - scan_);
  if (nl == nullptr) {
    scan_ = end_;
    return false;
  }
  size_t newline = static_cast<size_t>(static_cast<const char*>(nl) -
                                       buffer_.data());
  uint64_t buffer_offset = file_pos_ - end_;
  if (long_line_) {
    compactor_.Feed({buffer_.data(), newline});
    *line = Line{compactor_.output(), long_offset_,
                 long_length_ + newline + 1, true, true,
                 compactor_.overflowed()};
    if (line->overflowed) line->text = {};
    long_line_ = false;
  } else {
    *line = Line{{buffer_.data() + begin_, newline - begin_},
                 buffer_offset + begin_, newline - begin_ + 1};
  }
  begin_ = scan_ = newline + 1;
  return true;
}

// The buffer is full of one line: stream it through the compactor.
void LineReader::EnterLongLine() {
  if (!long_line_) {
    long_line_ = true;
    long_offset_ = file_pos_ - end_;
    long_length_ = 0;
    compactor_.Reset();
    history_before_long_ = history_;  // The line starts at buffer_[0].
  }
  compactor_.Feed({buffer_.data(), end_});
  long_length_ += end_;
  Drop(end_);
  begin_ = scan_ = 0;
}

Result<bool> LineReader::Next(Line* line) {
  if (done_) return false;
  for (;;) {
    if (TakeLine(line)) return true;
    if (begin_ > 0) {  // Make room: move the partial line to the front.
      scan_ -= begin_;
      Drop(begin_);
      begin_ = 0;
    }
    if (end_ == buffer_.size()) EnterLongLine();
    Result<size_t> got = Fill();
    if (!got.ok()) return got.status();
    if (*got > 0) continue;
    done_ = true;
    if (long_line_) {  // An unterminated long line.
      compactor_.Feed({buffer_.data(), end_});
      *line = Line{compactor_.output(), long_offset_, long_length_ + end_,
                   false, true, compactor_.overflowed()};
      if (line->overflowed) line->text = {};
      return true;
    }
    if (end_ == 0) return false;
    *line = Line{{buffer_.data(), end_}, file_pos_ - end_, end_, false};
    return true;
  }
}

}  // namespace cc
