// The timestamp window for transcript lines (core/record_bounds.h): a usage
// line dated before 2023-01-01T00:00:00Z or more than a day after the
// reader's "now" is a reject, recorded like any malformed line.
#include "sync/transcript_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/record_bounds.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr int64_t kNowMs = 1'772'323'200'000;  // 2026-03-01T00:00:00Z.
constexpr int64_t kDayMs = 86'400'000;

std::string Dated(const std::string& id, const std::string& timestamp) {
  test::LineSpec spec;
  spec.message_id = "msg_" + id;
  spec.request_id = "req_" + id;
  spec.uuid = "u-" + id;
  spec.timestamp = timestamp;
  return test::AssistantLine(spec) + "\n";
}

struct Read {
  std::vector<std::string> keys;
  std::vector<int64_t> file_ends;  // Of each event, in order.
  size_t pieces = 0;
  std::vector<Reject> rejects;
  uint64_t rejected_lines = 0;
  FileChange change = FileChange::kNew;
  Checkpoint checkpoint;  // The last piece's.
};

Read ReadAt(const std::string& path, int64_t now_ms,
            const std::optional<Checkpoint>& previous = std::nullopt,
            uint64_t piece_bytes = ReadOptions().piece_bytes) {
  TranscriptFile file{path, "/root", "proj", {}};
  Result<FileIdentity> identity = StatPath(path);
  EXPECT_TRUE(identity.ok());
  if (identity.ok()) file.identity = *identity;
  ReadOptions options;
  options.now_ms = now_ms;
  options.piece_bytes = piece_bytes;
  LineParser parser;
  Read out;
  Result<FileReadResult> r =
      ReadTranscript(file, previous, options, parser, [&](FilePiece&& p) {
        ++out.pieces;
        for (const Event& e : p.events) {
          out.keys.push_back(e.key);
          out.file_ends.push_back(e.first.file_end_ms);
        }
        for (Reject& j : p.rejects) out.rejects.push_back(std::move(j));
        out.rejected_lines += p.rejected_lines;
        out.checkpoint = p.checkpoint;
      });
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (r.ok()) out.change = r->change;
  return out;
}

using Keys = std::vector<std::string>;
const std::string kNow = "2026-02-28T12:00:00Z";

TEST(TranscriptReader, ALineDatedOutsideTheWindowIsARejectWithItsReason) {
  test::TempDir dir;
  const std::string path = dir.Join("s.jsonl");
  const std::vector<std::string> lines = {
      Dated("year0", "0000-01-01T00:00:00Z"),
      Dated("ok1", "2023-01-01T00:00:00Z"),
      Dated("1969", "1969-12-31T23:59:59Z"),
      Dated("ok2", "2023-01-01T01:00:00+01:00"),  // 2023-01-01T00:00Z too.
      Dated("2022", "2022-12-31T23:59:59.999Z"),
      Dated("ok3", FormatIsoTimestampMs(kNowMs + kDayMs)),
      Dated("now+2d", FormatIsoTimestampMs(kNowMs + 2 * kDayMs)),
      Dated("9999", "9999-12-31T23:59:59Z"),
  };
  std::string bytes;
  for (const std::string& l : lines) bytes += l;
  test::WriteFile(path, bytes);

  Read r = ReadAt(path, kNowMs);
  EXPECT_EQ(r.keys, (std::vector<std::string>{"msg_ok1:req_ok1", "msg_ok2:req_ok2",
                                              "msg_ok3:req_ok3"}));
  EXPECT_EQ(r.rejected_lines, 5u);
  ASSERT_EQ(r.rejects.size(), 4u);  // The last two are one range.
  EXPECT_EQ(r.rejects[0].reason, kTimestampTooEarly);
  EXPECT_EQ(r.rejects[0].offset, 0u);
  EXPECT_EQ(r.rejects[0].length, lines[0].size());
  EXPECT_EQ(r.rejects[1].reason, kTimestampTooEarly);
  EXPECT_EQ(r.rejects[2].reason, kTimestampTooEarly);
  EXPECT_EQ(r.rejects[3].reason, kTimestampTooLate);
  EXPECT_EQ(r.rejects[3].lines, 2u);
  EXPECT_EQ(r.rejects[3].head, lines[6].substr(0, Reject::kHeadBytes));
}

TEST(TranscriptReader, ARejectsHeadEndsOnACharacterBoundary) {
  test::TempDir dir;
  const std::string path = dir.Join("s.jsonl");
  // Not an object; byte 119 starts a three-byte character.
  const std::string line = std::string(119, 'x') + "\xE6\x97\xA5tail\n";
  test::WriteFile(path, line);
  Read r = ReadAt(path, kNowMs);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].head, std::string(119, 'x'));
  EXPECT_EQ(r.rejects[0].length, line.size());
}

TEST(TranscriptReader, TheFutureLimitIsADayAfterTheReadersNow) {
  test::TempDir dir;
  const std::string path = dir.Join("s.jsonl");
  test::WriteFile(path, Dated("later", FormatIsoTimestampMs(kNowMs + 2 * kDayMs)));
  EXPECT_EQ(ReadAt(path, kNowMs).rejected_lines, 1u);
  EXPECT_EQ(ReadAt(path, kNowMs + kDayMs).keys,
            std::vector<std::string>{"msg_later:req_later"});
}

TEST(TranscriptReader, AnAppendedFileIsReadFromItsCheckpoint) {
  test::TempDir dir;
  const std::string path = dir.Join("s.jsonl");
  test::WriteFile(path, Dated("a", kNow) + Dated("b", kNow));
  Read first = ReadAt(path, kNowMs);
  EXPECT_EQ(first.change, FileChange::kNew);
  EXPECT_EQ(first.checkpoint.offset, test::ReadFile(path).size());

  test::AppendFile(path, Dated("c", kNow));
  Read next = ReadAt(path, kNowMs, first.checkpoint);
  EXPECT_EQ(next.change, FileChange::kAppended);
  EXPECT_EQ(next.keys, Keys{"msg_c:req_c"});
}

// The file's end (its latest usage timestamp, core/event.h) is on every
// event of a visit and in the checkpoint, and an appended visit starts from
// the checkpoint's: a resumed session's file, read again after it grew,
// still knows it ended late.
TEST(TranscriptReader, EveryEventCarriesTheFilesEndAcrossAppends) {
  test::TempDir dir;
  const std::string path = dir.Join("s.jsonl");
  const int64_t t1 = *ParseIsoTimestampMs("2026-02-28T10:00:00Z");
  const int64_t t2 = *ParseIsoTimestampMs("2026-02-28T11:00:00Z");
  test::WriteFile(path, Dated("b", "2026-02-28T11:00:00Z") +
                            Dated("a", "2026-02-28T10:00:00Z") +
                            Dated("old", "2022-12-31T23:59:59Z"));  // A reject.
  Read first = ReadAt(path, kNowMs);
  EXPECT_EQ(first.file_ends, (std::vector<int64_t>{t2, t2}));
  EXPECT_EQ(first.checkpoint.end_ms, t2);

  test::AppendFile(path, Dated("c", "2026-02-28T09:00:00Z"));
  Read next = ReadAt(path, kNowMs, first.checkpoint);
  ASSERT_EQ(next.change, FileChange::kAppended);
  EXPECT_EQ(next.file_ends, (std::vector<int64_t>{t2}));
  EXPECT_EQ(next.checkpoint.end_ms, t2);

  // Read from 0 (a backfill): the end is the file's own, not the checkpoint's.
  Checkpoint stale = next.checkpoint;
  stale.end_ms = t2 + kDayMs;
  test::WriteFile(path, Dated("a", "2026-02-28T10:00:00Z"));
  Read again = ReadAt(path, kNowMs, stale);
  ASSERT_EQ(again.change, FileChange::kReread);
  EXPECT_EQ(again.file_ends, (std::vector<int64_t>{t1}));
}

// A visit cut into pieces gives the first piece's events the end the whole
// visit reaches: the copies at the start of a big resumed session's file
// must not look as if their file ended with them.
TEST(TranscriptReader, EveryPieceCarriesTheEndTheWholeVisitReaches) {
  test::TempDir dir;
  const std::string path = dir.Join("s.jsonl");
  test::WriteFile(path, Dated("a", "2026-02-28T10:00:00Z") +
                            Dated("b", "2026-02-28T10:30:00Z") +
                            Dated("c", "2026-02-28T11:00:00Z"));
  Read r = ReadAt(path, kNowMs, std::nullopt, /*piece_bytes=*/1);
  EXPECT_GE(r.pieces, 3u);
  const int64_t end = *ParseIsoTimestampMs("2026-02-28T11:00:00Z");
  EXPECT_EQ(r.file_ends, (std::vector<int64_t>{end, end, end}));
  EXPECT_EQ(r.checkpoint.end_ms, end);
}

// A checkpoint that no longer matches the file (its head rewritten at the
// same size, its tail rewritten, truncated, or another file at the path)
// makes the reader start again from byte 0.
TEST(TranscriptReader, ACheckpointThatNoLongerMatchesForcesAReread) {
  test::TempDir dir;
  const std::string path = dir.Join("s.jsonl");
  const std::string original = Dated("a", kNow) + Dated("b", kNow);
  const Keys all = {"msg_a:req_a", "msg_b:req_b"};
  struct Case {
    const char* what;
    std::string bytes;
    bool new_inode;
    Keys keys;
  };
  std::string head_rewritten = original;
  head_rewritten[head_rewritten.find("msg_a")] = 'M';  // Same size.
  std::string tail_rewritten = original;
  tail_rewritten[tail_rewritten.rfind("msg_b")] = 'M';
  const Case cases[] = {
      {"head rewritten", head_rewritten, false, {"Msg_a:req_a", "msg_b:req_b"}},
      {"tail rewritten", tail_rewritten, false, {"msg_a:req_a", "Msg_b:req_b"}},
      {"truncated", Dated("a", kNow), false, {"msg_a:req_a"}},
      {"replaced", original, true, all},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    test::WriteFile(path, original);
    Read first = ReadAt(path, kNowMs);
    ASSERT_EQ(first.keys, all);
    if (c.new_inode) {
      test::WriteFile(path + ".new", c.bytes);
      ASSERT_EQ(std::rename((path + ".new").c_str(), path.c_str()), 0);
    } else {
      test::WriteFile(path, c.bytes);  // Truncates and rewrites in place.
    }
    Read again = ReadAt(path, kNowMs, first.checkpoint);
    EXPECT_EQ(again.change, FileChange::kReread);
    EXPECT_EQ(again.keys, c.keys);
    EXPECT_TRUE(again.checkpoint.restarted);
  }
}

}  // namespace
}  // namespace cc
