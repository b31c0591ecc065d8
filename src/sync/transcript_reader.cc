#include "sync/transcript_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "core/civil_time.h"
#include "core/record_bounds.h"
#include "core/utf8.h"
#include "tail/file_identity.h"
#include "tail/line_reader.h"

namespace cc {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

struct Start {
  uint64_t offset = 0;
  FileChange change = FileChange::kNew;
  FingerprintBytes verified;  // The bytes behind offset, as checked.
};

// Where to resume: the checkpoint's offset if the file is still the one it
// was taken on, else 0.
Start DecideStart(int fd, const FileIdentity& now,
                  const std::optional<Checkpoint>& previous,
                  bool ignore_checkpoint) {
  if (!previous) return {0, FileChange::kNew, {}};
  if (ignore_checkpoint) return {0, FileChange::kReread, {}};
  const Checkpoint& p = *previous;
  if (p.identity.device != now.device || p.identity.inode != now.inode ||
      now.size_bytes < p.offset) {
    return {0, FileChange::kReread, {}};
  }
  Result<FingerprintBytes> bytes = ReadFingerprintBytes(fd, p.offset);
  if (!bytes.ok() || !(FingerprintOf(*bytes) == p.fingerprint)) {
    return {0, FileChange::kReread, {}};
  }
  return {p.offset, FileChange::kAppended, std::move(*bytes)};
}

// Collects one piece: records merged by key, rejects, counters.
class PieceBuilder {
 public:
  // `end_ms`: the file's end as known before this visit's records.
  PieceBuilder(const TranscriptFile& file, const ReadOptions& options,
               int64_t end_ms)
      : file_(file), options_(options), end_ms_(end_ms) {}

  void AddRecord(UsageRecord&& record) {
    ++piece_.records;
    end_ms_ = std::max(end_ms_, record.provenance.timestamp_ms);
    auto [it, inserted] = index_.try_emplace(record.key, piece_.events.size());
    if (inserted) {
      piece_.events.push_back(Event::FromRecord(record));
    } else {
      piece_.events[it->second].Merge(record);
    }
  }

  // Adjacent bad lines with the same reason become one range, so a file of
  // junk costs a few rows, not one per line.
  void AddReject(const Line& line, std::string reason) {
    ++piece_.rejected_lines;
    if (!piece_.rejects.empty()) {
      Reject& last = piece_.rejects.back();
      if (last.offset + last.length == line.offset && last.reason == reason) {
        last.length += line.length;
        ++last.lines;
        return;
      }
    }
    // Cut on a character boundary: a head is shown (escaped) as text.
    std::string_view head = Utf8Prefix(line.text, Reject::kHeadBytes);
    piece_.rejects.push_back(Reject{file_.path, line.offset, line.length,
                                    std::move(reason), std::string(head), 1});
  }

  // A piece is cut after piece_bytes of input or this many reject ranges,
  // whichever comes first, so memory stays bounded on any input.
  bool Full(uint64_t piece_bytes) const {
    constexpr size_t kMaxRejectRanges = 10'000;
    return piece_.bytes_read >= piece_bytes ||
           piece_.rejects.size() >= kMaxRejectRanges;
  }

  void CountLine(uint64_t bytes) {
    ++piece_.lines;
    piece_.bytes_read += bytes;
  }

  // The piece so far, its events and checkpoint carrying the file's end as
  // known now (records of one file merge among themselves whatever it is).
  FilePiece Take(Checkpoint checkpoint, bool last) {
    FilePiece out = std::move(piece_);
    for (Event& e : out.events) e.first.file_end_ms = end_ms_;
    checkpoint.end_ms = end_ms_;
    out.checkpoint = std::move(checkpoint);
    out.checkpoint.lines = out.lines;
    out.checkpoint.records = out.records;
    out.checkpoint.rejects = out.rejected_lines;
    out.last = last;
    piece_ = FilePiece();
    index_.clear();
    return out;
  }

 private:
  const TranscriptFile& file_;
  const ReadOptions& options_;
  FilePiece piece_;
  std::unordered_map<std::string, size_t> index_;
  int64_t end_ms_;
};

void ProcessLine(const Line& line, const TranscriptFile& file,
                 const ReadOptions& options, LineParser& parser,
                 PieceBuilder& piece) {
  piece.CountLine(line.length);
  if (line.overflowed) {
    piece.AddReject(line, "line too long and too complex to parse (" +
                              std::to_string(line.length) + " bytes)");
    return;
  }
  UsageRecord record;
  std::string reason;
  LineOrigin origin{file.path, file.project, line.offset};
  switch (parser.Parse(line.text, origin, &record, &reason)) {
    case LineKind::kUsage:
      // The window needs a clock, which the parser (a pure function of the
      // line) does not have.
      if (const char* why = TimestampOutsideWindow(
              record.provenance.timestamp_ms, options.now_ms)) {
        piece.AddReject(line, why);
        break;
      }
      piece.AddRecord(std::move(record));
      break;
    case LineKind::kReject:
      piece.AddReject(line, std::move(reason));
      break;
    case LineKind::kBlank:
    case LineKind::kNoUsage:
      break;
  }
}

// The latest timestamp among the usage records in [start, limit) that a
// read would count, for a visit longer than one piece: every piece's
// events then carry the end the whole visit reaches, as a one-piece visit's
// do (a resumed session's copies, early in its file, must not look as if
// their file ended with them). Costs a second pass over such visits only.
Result<int64_t> ScanEnd(int fd, const Start& start, uint64_t limit,
                        const TranscriptFile& file, const ReadOptions& options,
                        LineParser& parser, int64_t end_ms) {
  LineReader reader(fd, start.offset, limit, start.verified);
  Line line;
  UsageRecord record;
  std::string reason;
  for (;;) {
    Result<bool> more = reader.Next(&line);
    if (!more.ok()) {
      return Status::IoError(file.path + ": " + more.status().message());
    }
    if (!*more) break;
    if (!line.terminated &&
        (line.overflowed || !parser.IsCompleteObject(line.text))) {
      break;
    }
    if (line.overflowed) continue;
    LineOrigin origin{file.path, file.project, line.offset};
    if (parser.Parse(line.text, origin, &record, &reason) == LineKind::kUsage &&
        TimestampOutsideWindow(record.provenance.timestamp_ms,
                               options.now_ms) == nullptr) {
      end_ms = std::max(end_ms, record.provenance.timestamp_ms);
    }
  }
  return end_ms;
}

// Transcripts are regular files; anything else at a transcript's path (a
// FIFO, a device, a socket) is skipped with the reason, never read.
Status RequireRegularFile(int fd, const std::string& path) {
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    return Status::IoError("cannot stat " + path + ": " + strerror(errno));
  }
  const std::string why = NotATranscriptReason(st.st_mode);
  if (why.empty()) return Status::Ok();
  return Status::InvalidArgument(path + ": " + why);
}

}  // namespace

Result<FileReadResult> ReadTranscript(const TranscriptFile& file,
                                      const std::optional<Checkpoint>& previous,
                                      const ReadOptions& options,
                                      LineParser& parser,
                                      const PieceSink& sink) {
  // Without blocking: a FIFO swapped in for a transcript would otherwise
  // hold this thread in open() until a writer came (and SIGTERM with it).
  FileDescriptor fd(open(file.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) {
    return Status::IoError("cannot open " + file.path + ": " +
                           strerror(errno));
  }
  if (Status regular = RequireRegularFile(fd.get(), file.path); !regular.ok()) {
    return regular;
  }
  Result<FileIdentity> identity = StatDescriptor(fd.get());
  if (!identity.ok()) return identity.status();
  Start start = DecideStart(fd.get(), *identity, previous,
                            options.ignore_checkpoint);

  // The file's end: what the checkpoint knew of the bytes behind the start,
  // raised by this visit's records.
  int64_t end_ms = start.change == FileChange::kAppended ? previous->end_ms : 0;
  if (identity->size_bytes - start.offset > options.piece_bytes) {
    Result<int64_t> end = ScanEnd(fd.get(), start, identity->size_bytes, file,
                                  options, parser, end_ms);
    if (!end.ok()) return end.status();
    end_ms = *end;
  }

  bool first_piece = true;
  // A checkpoint written mid-visit records the offset as the size, so that
  // a visit cut short (crash) never looks finished to the next scan.
  LineReader reader(fd.get(), start.offset, identity->size_bytes,
                    std::move(start.verified));
  // The fingerprint comes from the bytes the reader handed out, never from
  // reading the file again: if the file was rewritten meanwhile, the next
  // visit sees a different fingerprint and reads it again from 0.
  auto checkpoint_at = [&](uint64_t offset, bool last) -> Checkpoint {
    FileIdentity seen = *identity;
    if (!last) seen.size_bytes = offset;
    Checkpoint c{file.path, file.root, file.project, seen, offset,
                 reader.FingerprintAt(offset)};
    c.rereads = start.change == FileChange::kReread && first_piece ? 1 : 0;
    c.restarted = start.offset == 0 && first_piece;
    first_piece = false;
    return c;
  };

  PieceBuilder piece(file, options, end_ms);
  uint64_t covered = start.offset;
  Line line;
  for (;;) {
    Result<bool> more = reader.Next(&line);
    if (!more.ok()) return Status::IoError(file.path + ": " + more.status().message());
    if (!*more) break;
    if (!line.terminated &&
        (line.overflowed || !parser.IsCompleteObject(line.text))) {
      break;  // An unfinished write: left for the next visit.
    }
    ProcessLine(line, file, options, parser, piece);
    covered = line.end();
    if (piece.Full(options.piece_bytes)) {
      sink(piece.Take(checkpoint_at(covered, false), false));
    }
  }
  sink(piece.Take(checkpoint_at(covered, true), true));
  return FileReadResult{start.change};
}

}  // namespace cc
