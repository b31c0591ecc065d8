// The timestamp window for transcript lines (core/record_bounds.h): a usage
// line dated before 2023-01-01T00:00:00Z or more than a day after the
// reader's "now" is a reject, recorded like any malformed line.
#include "sync/transcript_reader.h"

#include <gtest/gtest.h>

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
  std::vector<Reject> rejects;
  uint64_t rejected_lines = 0;
};

Read ReadAt(const std::string& path, int64_t now_ms) {
  TranscriptFile file{path, "/root", "proj", {}};
  ReadOptions options;
  options.now_ms = now_ms;
  LineParser parser;
  Read out;
  Result<FileReadResult> r =
      ReadTranscript(file, std::nullopt, options, parser, [&](FilePiece&& p) {
        for (const Event& e : p.events) out.keys.push_back(e.key);
        for (Reject& j : p.rejects) out.rejects.push_back(std::move(j));
        out.rejected_lines += p.rejected_lines;
      });
  EXPECT_TRUE(r.ok()) << r.status().message();
  return out;
}

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

}  // namespace
}  // namespace cc
