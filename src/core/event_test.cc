#include "core/event.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace cc {
namespace {

UsageRecord Record(uint64_t output, int64_t ts, const std::string& file,
                   uint64_t offset, const std::string& model = "m") {
  UsageRecord r;
  r.key = "msg:req";
  r.tokens.input = 3;
  r.tokens.output = output;
  r.attributes.model = model;
  r.provenance = Provenance{ts, file, offset};
  return r;
}

TEST(Event, TokensAreTheFieldwiseMaximum) {
  Event e = Event::FromRecord(Record(3, 100, "a", 0));
  UsageRecord bigger = Record(172, 200, "a", 10);
  bigger.tokens.input = 1;
  bigger.tokens.cache_read = 50;
  EXPECT_TRUE(e.Merge(bigger));
  EXPECT_EQ(e.tokens.output, 172u);
  EXPECT_EQ(e.tokens.input, 3u);  // Max, not last.
  EXPECT_EQ(e.tokens.cache_read, 50u);
  EXPECT_FALSE(e.Merge(Record(10, 300, "a", 20)));  // Nothing grows.
}

TEST(Event, AttributesComeFromTheEarliestRecord) {
  Event e = Event::FromRecord(Record(1, 200, "b", 0, "late"));
  EXPECT_TRUE(e.Merge(Record(1, 100, "z", 0, "early")));
  EXPECT_EQ(e.attributes.model, "early");
  EXPECT_EQ(e.first.timestamp_ms, 100);
  // Same time: the smaller file path wins, then the smaller offset.
  EXPECT_TRUE(e.Merge(Record(1, 100, "a", 50, "file-a")));
  EXPECT_EQ(e.attributes.model, "file-a");
  EXPECT_TRUE(e.Merge(Record(1, 100, "a", 5, "offset-5")));
  EXPECT_EQ(e.attributes.model, "offset-5");
}

TEST(Event, FastModeFromAnyRecordInAnyOrder) {
  UsageRecord early = Record(3, 100, "a", 0);  // A partial without speed.
  UsageRecord late = Record(90, 200, "a", 10);
  late.attributes.speed = kFastSpeed;
  Event one = Event::FromRecord(early);
  EXPECT_TRUE(one.Merge(late));
  Event other = Event::FromRecord(late);
  other.Merge(early);
  EXPECT_EQ(one.attributes.speed, "fast");
  EXPECT_EQ(one, other);
}

TEST(Event, UsOnlyInferenceFromAnyRecordInAnyOrder) {
  UsageRecord early = Record(3, 100, "a", 0);  // A partial without the geo.
  UsageRecord late = Record(90, 200, "a", 10);
  late.attributes.inference_geo = kUsInferenceGeo;
  Event one = Event::FromRecord(early);
  EXPECT_TRUE(one.Merge(late));
  Event other = Event::FromRecord(late);
  other.Merge(early);
  EXPECT_EQ(one.attributes.inference_geo, "us");
  EXPECT_EQ(one, other);
  // An event merge keeps it too, whichever side has it.
  Event plain = Event::FromRecord(early);
  EXPECT_TRUE(plain.Merge(one));
  EXPECT_EQ(plain.attributes.inference_geo, "us");
}

// A record of one request as a session's file holds it: the file's path and
// end (its latest usage timestamp), the session its line names.
UsageRecord Copy(int64_t ts, const std::string& file, int64_t file_end,
                 const std::string& session, uint64_t offset = 0) {
  UsageRecord r = Record(5, ts, file, offset);
  r.provenance.file_end_ms = file_end;
  r.attributes.session_id = session;
  return r;
}

// Every order in which `records` can be merged gives `session`.
void ExpectSpentIn(std::vector<UsageRecord> records,
                   const std::string& session) {
  std::sort(records.begin(), records.end(),
            [](const UsageRecord& a, const UsageRecord& b) {
              return a.provenance.file < b.provenance.file;
            });
  do {
    Event e = Event::FromRecord(records[0]);
    for (size_t i = 1; i < records.size(); ++i) e.Merge(records[i]);
    EXPECT_EQ(e.attributes.session_id, session)
        << "first merged: " << records[0].provenance.file;
  } while (std::next_permutation(
      records.begin(), records.end(),
      [](const UsageRecord& a, const UsageRecord& b) {
        return a.provenance.file < b.provenance.file;
      }));
}

// Session A (ended at 500) resumed as B (ended at 900): B's file copies A's
// request at 100. Whichever path sorts first, A keeps it.
TEST(Event, AResumedSessionsCopyStaysWithTheOriginalWhenRewritten) {
  for (const auto& [a_file, b_file] :
       {std::pair{"/p/aaaa.jsonl", "/p/bbbb.jsonl"},
        std::pair{"/p/zzzz.jsonl", "/p/bbbb.jsonl"}}) {
    ExpectSpentIn({Copy(100, a_file, 500, "A", 900),
                   Copy(100, b_file, 900, "B", 10)},
                  "A");
  }
}

// Copies that keep their sessionId (a file named B holding lines of A): the
// line's session is the truth, whichever file's record wins.
TEST(Event, ACopyThatKeepsItsSessionIdIsCountedForThatSession) {
  ExpectSpentIn({Copy(100, "/p/zzzz.jsonl", 500, "A"),
                 Copy(100, "/p/bbbb.jsonl", 900, "A")},
                "A");
}

// A -> B -> C: a request of A is in all three files, one new in B is in B
// and C; each stays where it was spent, in every order.
TEST(Event, AResumedTwiceChainKeepsEachRequestWhereItWasSpent) {
  ExpectSpentIn({Copy(100, "/p/cccc.jsonl", 1300, "C"),
                 Copy(100, "/p/bbbb.jsonl", 900, "B"),
                 Copy(100, "/p/aaaa.jsonl", 500, "A")},
                "A");
  ExpectSpentIn({Copy(100, "/p/aaaa.jsonl", 1300, "C"),
                 Copy(100, "/p/bbbb.jsonl", 900, "B"),
                 Copy(100, "/p/cccc.jsonl", 500, "A")},
                "A");
  ExpectSpentIn({Copy(700, "/p/aaaa.jsonl", 1300, "C"),
                 Copy(700, "/p/zzzz.jsonl", 900, "B")},
                "B");
}

// B read while it held only the copies (its end then A's): the tie goes to
// the path and B keeps A's request. Read again from 0 once B has grown (a
// backfill, B's path first), the same line brings B's later end, and A's
// record then wins.
TEST(Event, ALineReadAgainCarriesItsFilesLaterEnd) {
  Event e = Event::FromRecord(Copy(100, "/p/bbbb.jsonl", 500, "B", 10));
  EXPECT_FALSE(e.Merge(Copy(100, "/p/zzzz.jsonl", 500, "A", 90)));
  EXPECT_EQ(e.attributes.session_id, "B");  // The corner (docs/design.md).
  EXPECT_TRUE(e.Merge(Copy(100, "/p/bbbb.jsonl", 900, "B", 10)));
  EXPECT_EQ(e.first.file_end_ms, 900);
  EXPECT_TRUE(e.Merge(Copy(100, "/p/zzzz.jsonl", 500, "A", 90)));
  EXPECT_EQ(e.attributes.session_id, "A");
  // Another line of the same file is not the same line.
  Event f = Event::FromRecord(Copy(100, "/p/bbbb.jsonl", 500, "B", 10));
  EXPECT_FALSE(f.Merge(Copy(100, "/p/bbbb.jsonl", 900, "B", 20)));
  EXPECT_EQ(f.first.file_end_ms, 500);
}

// The file end only breaks ties: an earlier line wins wherever it is.
TEST(Event, AnEarlierTimestampWinsBeforeTheFileEndIsAsked) {
  Event e = Event::FromRecord(Copy(100, "/p/a.jsonl", 200, "short"));
  EXPECT_TRUE(e.Merge(Copy(90, "/p/b.jsonl", 5'000, "earlier")));
  EXPECT_EQ(e.attributes.session_id, "earlier");
}

TEST(Event, KeepPolicyTakesTokensButNoAttributes) {
  Event stored = Event::FromRecord(Record(3, 200, "b", 0, "transcript"));
  Event telemetry =
      Event::FromRecord(Record(90, 100, kTelemetryProvenance, 0, "telemetry"));
  telemetry.attributes.speed = kFastSpeed;
  EXPECT_TRUE(stored.Merge(telemetry, AttributePolicy::kKeep));
  EXPECT_EQ(stored.tokens.output, 90u);
  EXPECT_EQ(stored.attributes.model, "transcript");  // Though earlier.
  EXPECT_EQ(stored.first.file, "b");
  EXPECT_EQ(stored.attributes.speed, "fast");  // Still an OR.
  EXPECT_FALSE(stored.Merge(telemetry, AttributePolicy::kKeep));
}

TEST(Event, AdoptPolicyGivesATelemetryOnlyEventItsFirstTranscript) {
  Event otel =
      Event::FromRecord(Record(90, 100, kTelemetryProvenance, 0, "telemetry"));
  Event later = Event::FromRecord(Record(3, 200, "b", 0, "transcript"));
  EXPECT_TRUE(otel.Merge(later, AttributePolicy::kAdopt));
  EXPECT_EQ(otel.attributes.model, "transcript");  // Though later.
  EXPECT_EQ(otel.first.file, "b");
  EXPECT_EQ(otel.tokens.output, 90u);
  // From then on the earliest transcript record wins.
  Event latest = Event::FromRecord(Record(3, 300, "c", 0, "latest"));
  EXPECT_FALSE(otel.Merge(latest, AttributePolicy::kAdopt));
  EXPECT_EQ(otel.attributes.model, "transcript");
}

TEST(Event, MergeIsIndependentOfOrder) {
  std::vector<UsageRecord> records;
  for (int i = 0; i < 12; ++i) {
    UsageRecord r = Record(static_cast<uint64_t>(i * 37 % 11), 1000 - i * 7 % 5,
                           "f" + std::to_string(i % 3),
                           static_cast<uint64_t>(i), "m" + std::to_string(i));
    r.tokens.cache_creation = static_cast<uint64_t>(i * 13 % 7);
    records.push_back(r);
  }
  Event reference = Event::FromRecord(records[0]);
  for (const UsageRecord& r : records) reference.Merge(r);
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::shuffle(records.begin(), records.end(), rng);
    Event e = Event::FromRecord(records[0]);
    for (const UsageRecord& r : records) e.Merge(r);
    EXPECT_EQ(e, reference);
  }
}

}  // namespace
}  // namespace cc
