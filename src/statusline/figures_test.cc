#include "statusline/figures.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "core/civil_time.h"
#include "ledger/ledger_writer.h"
#include "statusline/catch_up.h"
#include "test_util.h"

namespace cc {
namespace {

using test::AssistantLine;
using test::LineSpec;

constexpr int64_t kHour = 3600'000;

std::string Line(const std::string& id, const std::string& session, int64_t ts_ms,
                 uint64_t output) {
  LineSpec spec;
  spec.message_id = "msg_" + id;
  spec.request_id = "req_" + id;
  spec.uuid = "u-" + id;
  spec.session = session;
  spec.timestamp = FormatIsoTimestampMs(ts_ms);
  spec.output = output;
  return AssistantLine(spec) + "\n";
}

struct SessionFixture {
  test::TempDir dir;
  std::string root = dir.Join("claude");
  std::string ledger = dir.Join("ledger.db");
  std::string main = root + "/projects/-p/s-1.jsonl";
  std::string sub = root + "/projects/-p/s-1/subagents/agent-a.jsonl";
  int64_t now = test::FakeClock::RealNowMs();

  SessionFixture() {
    std::filesystem::create_directories(root + "/projects/-p/s-1/subagents");
    test::WriteFile(main, Line("1", "s-1", now - 2 * kHour, 10) +
                              Line("2", "s-1", now - kHour, 20));
    test::WriteFile(sub, Line("3", "s-1", now - kHour + 1000, 30));
    test::WriteFile(root + "/projects/-p/s-2.jsonl", Line("4", "s-2", now - kHour, 40));
    auto w = LedgerWriter::Open(ledger, "test");
    EXPECT_TRUE(w.ok());
  }

  CatchUpRequest Request() const {
    CatchUpRequest r;
    r.ledger_path = ledger;
    r.roots = {root};
    r.source = "test";
    r.holder = "test";
    r.transcript_path = main;
    return r;
  }
};

TEST(StatuslineCatchUp, BringsTheSessionAndItsSubagentsUpToDate) {
  SessionFixture fx;
  auto reader = LedgerReader::Open(fx.ledger);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(SessionTranscripts(fx.main), (std::vector<std::string>{fx.main, fx.sub}));
  CatchUpResult r = CatchUpSession(**reader, fx.Request());
  EXPECT_EQ(r.outcome, CatchUpOutcome::kSynced) << r.message;
  Result<StatuslineFigures> f = QueryFigures(**reader, "s-1", fx.now / 86'400'000 * 86'400'000, fx.now);
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_TRUE(f->session);
  EXPECT_EQ(f->session->events, 3u);
  EXPECT_EQ(f->session->tokens.output, 60u);
  EXPECT_GT(f->session->cost_nano, 0);
  // The other session's file was not read: only this session's are.
  ASSERT_TRUE(f->block);
  EXPECT_EQ(f->block->totals.events, 3u);
  // Nothing new: nothing to do.
  EXPECT_EQ(CatchUpSession(**reader, fx.Request()).outcome, CatchUpOutcome::kNothing);
  // An appended line is counted by the next render.
  test::AppendFile(fx.main, Line("5", "s-1", fx.now - 60'000, 50));
  EXPECT_EQ(CatchUpSession(**reader, fx.Request()).outcome, CatchUpOutcome::kSynced);
  f = QueryFigures(**reader, "s-1", fx.now / 86'400'000 * 86'400'000, fx.now);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->session->events, 4u);
  EXPECT_EQ(f->session->tokens.output, 110u);
}

TEST(StatuslineCatchUp, NeverWaitsForTheLockAndSkipsABigBacklog) {
  SessionFixture fx;
  auto reader = LedgerReader::Open(fx.ledger);
  ASSERT_TRUE(reader.ok());
  CatchUpRequest big = fx.Request();
  big.max_unread_bytes = 10;
  CatchUpResult r = CatchUpSession(**reader, big);
  EXPECT_EQ(r.outcome, CatchUpOutcome::kTooBig);
  EXPECT_GT(r.unread_bytes, 10u);
  {
    auto monitor = LedgerWriter::Open(fx.ledger, "a monitor");
    ASSERT_TRUE(monitor.ok());
    EXPECT_EQ(CatchUpSession(**reader, fx.Request()).outcome, CatchUpOutcome::kLocked);
  }
  Result<StatuslineFigures> f = QueryFigures(**reader, "s-1", fx.now / 86'400'000 * 86'400'000, fx.now);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->session->events, 0u);
}

UsageRow Row(int64_t ts, int64_t cost) {
  UsageRow r;
  r.bucket_start_ms = ts / (15 * 60'000) * (15 * 60'000);
  r.first_ms = ts;
  r.last_ms = ts;
  r.events = 1;
  r.cost_nano = cost;
  r.tokens.output = 1;
  return r;
}

TEST(StatuslineFigures, ActiveBlockNeedsAProvenStart) {
  const int64_t since = 1'800'000'000'000 / kHour * kHour;
  UsageData data;
  data.dims.push_back(UsageDim{"p", "s", "m", "src"});
  // Requests every hour from `since`: no 5-hour silence, not proven.
  for (int h = 0; h < 8; ++h) data.rows.push_back(Row(since + h * kHour + 60'000, 1000));
  bool proven = true;
  ActiveBlockOf(data, since, since + 8 * kHour, &proven);
  EXPECT_FALSE(proven);
  // The same after a 5-hour silence from `since`: the blocks are the report's.
  UsageData later;
  later.dims = data.dims;
  for (const UsageRow& r : data.rows) {
    UsageRow moved = r;
    moved.first_ms += 6 * kHour;
    moved.last_ms += 6 * kHour;
    moved.bucket_start_ms += 6 * kHour;
    later.rows.push_back(moved);
  }
  std::optional<BlockFigures> b = ActiveBlockOf(later, since, since + 14 * kHour, &proven);
  EXPECT_TRUE(proven);
  ASSERT_TRUE(b);
  // Blocks: [6h, 11h) then the request at 11h01 starts [11h, 16h).
  EXPECT_EQ(b->start_ms, since + 11 * kHour);
  EXPECT_EQ(b->totals.events, 3u);
  // Silent for 5 hours: no active block, and that is certain.
  EXPECT_FALSE(ActiveBlockOf(later, since, since + 20 * kHour, &proven));
  EXPECT_TRUE(proven);
}

}  // namespace
}  // namespace cc
