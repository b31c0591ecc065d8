// Reconciling Claude Code's telemetry with the transcripts' events, against
// hand-built pairs: a streaming partial in the transcript and the final
// count in telemetry, telemetry first and the transcript later, either one
// alone, retries, and the rollup (what reports read) kept equal to the
// events.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "ledger/ledger_writer.h"
#include "ledger/sqlite_db.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr int64_t kT = 1'756'893'600'000;  // 2025-09-03T10:00:00Z.

Event Transcript(const std::string& msg, const std::string& req,
                 uint64_t output, const std::string& project = "shop") {
  Event e;
  e.key = msg + ":" + req;
  e.tokens.input = 10;
  e.tokens.output = output;
  e.tokens.cache_read = 1000;
  e.attributes.session_id = "s1";
  e.attributes.project = project;
  e.attributes.cwd = "/home/dev/" + project;
  e.attributes.model = "claude-sonnet-4-20250514";
  e.first = Provenance{kT, "/t.jsonl", 0};
  return e;
}

TelemetryRequest Telemetry(const std::string& req, uint64_t output) {
  TelemetryRequest r;
  r.key = req;
  r.request_id = req;
  r.session_id = "s1";
  r.model = "claude-sonnet-4-20250514";
  r.tokens.input = 10;
  r.tokens.output = output;
  r.tokens.cache_read = 1000;
  r.cost_usd = 0.0123;
  r.duration_ms = 900;
  r.event_ms = kT + 500;
  return r;
}

class TelemetryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = LedgerWriter::Open(dir_.Join("l.db"), "test");
    ASSERT_TRUE(l.ok()) << l.status().message();
    ledger_ = std::move(*l);
  }

  void Commit(std::vector<Event> events) {
    Batch b;
    b.events = std::move(events);
    ASSERT_TRUE(ledger_->Commit(b, "host", 1).ok());
  }

  TelemetryStats Send(std::vector<TelemetryRequest> requests) {
    TelemetryBatch b;
    b.requests = std::move(requests);
    Result<TelemetryStats> s = ledger_->telemetry().CommitTelemetry(b, "host", 2);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : TelemetryStats{};
  }

  // key -> output tokens, project, exact.
  std::map<std::string, std::tuple<uint64_t, std::string, bool>> Events() {
    std::map<std::string, std::tuple<uint64_t, std::string, bool>> out;
    Result<std::vector<SessionEvent>> session = ledger_->reader().SessionEvents("s1", 100);
    EXPECT_TRUE(session.ok());
    for (const SessionEvent& e : *session) {
      out[e.key] = {e.tokens.output, e.project, false};
    }
    auto db = sql::Database::Open(dir_.Join("l.db"), true);
    EXPECT_TRUE(db.ok()) << db.status().message();
    if (!db.ok()) return out;
    sql::Statement st((*db)->handle(), "SELECT key, exact FROM events");
    for (;;) {
      Result<bool> row = st.Step();
      EXPECT_TRUE(row.ok()) << row.status().message();
      if (!row.ok() || !*row) break;
      std::get<2>(out[st.Text(0)]) = st.Int(1) != 0;
    }
    return out;
  }

  // The rollup's output tokens and events: what every report reads.
  std::pair<uint64_t, uint64_t> Rollup() {
    Result<UsageData> u = ledger_->reader().Usage(UsageFilter{});
    EXPECT_TRUE(u.ok()) << u.status().message();
    if (!u.ok()) return {};
    uint64_t output = 0, events = 0;
    for (const UsageRow& r : u->rows) {
      output += r.tokens.output;
      events += r.events;
    }
    return {output, events};
  }

  test::TempDir dir_;
  std::unique_ptr<LedgerWriter> ledger_;
};

TEST_F(TelemetryStoreTest, ATranscriptPartialAndTelemetrysFinalAreOneExactEvent) {
  Commit({Transcript("msg_1", "req_1", 12)});  // A streaming partial.
  TelemetryStats s = Send({Telemetry("req_1", 480)});
  EXPECT_EQ(s.requests_new, 1u);
  EXPECT_EQ(s.events_reconciled, 1u);
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events["msg_1:req_1"], std::make_tuple(uint64_t{480}, std::string("shop"), true));
  EXPECT_EQ(Rollup(), std::make_pair(uint64_t{480}, uint64_t{1}));
}

TEST_F(TelemetryStoreTest, TelemetryFirstThenTheTranscriptJoinsIt) {
  Send({Telemetry("req_2", 480)});
  auto before = Events();
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before["otel:req_2"], std::make_tuple(uint64_t{480}, std::string(""), true));
  // The transcript's partial arrives later: one event, the transcript's
  // project, telemetry's tokens.
  Commit({Transcript("msg_2", "req_2", 12)});
  auto after = Events();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after["otel:req_2"], std::make_tuple(uint64_t{480}, std::string("shop"), true));
  EXPECT_EQ(Rollup(), std::make_pair(uint64_t{480}, uint64_t{1}));
  // And its final, bigger than what telemetry said (a field-wise maximum).
  Commit({Transcript("msg_2", "req_2", 500)});
  EXPECT_EQ(std::get<0>(Events()["otel:req_2"]), 500u);
  EXPECT_EQ(Rollup(), std::make_pair(uint64_t{500}, uint64_t{1}));
}

TEST_F(TelemetryStoreTest, EitherAloneCountsAndOnlyTelemetryMakesItExact) {
  Commit({Transcript("msg_3", "req_3", 40)});
  Send({Telemetry("req_4", 70)});
  auto events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(std::get<2>(events["msg_3:req_3"]));  // A lower bound.
  EXPECT_TRUE(std::get<2>(events["otel:req_4"]));
  EXPECT_EQ(Rollup(), std::make_pair(uint64_t{110}, uint64_t{2}));
  auto exact = ledger_->reader().ExactEvents(UsageFilter{});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(*exact, std::make_pair(uint64_t{1}, uint64_t{2}));
}

TEST_F(TelemetryStoreTest, AnExportersRetryChangesNothing) {
  Commit({Transcript("msg_5", "req_5", 12)});
  EXPECT_EQ(Send({Telemetry("req_5", 300)}).requests_new, 1u);
  const auto once = Events();
  const auto rollup = Rollup();
  auto db = sql::Database::Open(dir_.Join("l.db"), true);
  const int64_t seq = *(*db)->QueryInt("SELECT MAX(change_seq) FROM events");
  TelemetryStats again = Send({Telemetry("req_5", 300), Telemetry("req_5", 300)});
  EXPECT_EQ(again.requests_new, 0u);
  EXPECT_EQ(again.requests_repeated, 2u);
  EXPECT_EQ(Events(), once);
  EXPECT_EQ(Rollup(), rollup);
  EXPECT_EQ(*(*db)->QueryInt("SELECT MAX(change_seq) FROM events"), seq);
  EXPECT_EQ(*(*db)->QueryInt("SELECT COUNT(*) FROM otel_requests"), 1);
}

// Issue 13: a request id seen again with a larger count kept the first
// (20, "exact"). Each count is now the larger of the two, as for transcript
// lines; a smaller one changes nothing.
TEST_F(TelemetryStoreTest, ARepeatedRequestTakesTheLargerCountOfEachKind) {
  EXPECT_EQ(Send({Telemetry("req_r", 20)}).requests_new, 1u);
  EXPECT_EQ(Events()["otel:req_r"], std::make_tuple(uint64_t{20}, std::string(""), true));
  EXPECT_EQ(Rollup(), std::make_pair(uint64_t{20}, uint64_t{1}));

  TelemetryRequest bigger = Telemetry("req_r", 800);
  bigger.tokens.input = 5;  // Smaller than the first's 10: 10 stays.
  TelemetryStats again = Send({bigger});
  EXPECT_EQ(again.requests_new, 0u);
  EXPECT_EQ(again.requests_repeated, 1u);
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events["otel:req_r"], std::make_tuple(uint64_t{800}, std::string(""), true));
  EXPECT_EQ(Rollup(), std::make_pair(uint64_t{800}, uint64_t{1}));
  Result<LedgerSummary> summary = ledger_->reader().Summary();
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->tokens.input, 10u);
  EXPECT_EQ(summary->tokens.output, 800u);
  EXPECT_EQ(summary->tokens.cache_read, 1000u);
  EXPECT_EQ(summary->exact_events, 1u);

  auto db = sql::Database::Open(dir_.Join("l.db"), true);
  ASSERT_TRUE(db.ok());
  const int64_t seq = *(*db)->QueryInt("SELECT MAX(change_seq) FROM events");
  Send({Telemetry("req_r", 5)});  // Smaller: nothing changes.
  EXPECT_EQ(std::get<0>(Events()["otel:req_r"]), 800u);
  EXPECT_EQ(Rollup(), std::make_pair(uint64_t{800}, uint64_t{1}));
  EXPECT_EQ(*(*db)->QueryInt("SELECT MAX(change_seq) FROM events"), seq);
  // The stored request is the first as received; the event is the maximum.
  EXPECT_EQ(*(*db)->QueryInt("SELECT COUNT(*) FROM otel_requests"), 1);
  EXPECT_EQ(*(*db)->QueryInt("SELECT output_tokens FROM otel_requests"), 20);
}

TEST_F(TelemetryStoreTest, ARepeatedRequestRaisesTheTranscriptsEventItJoined) {
  Commit({Transcript("msg_r", "req_r2", 12)});
  Send({Telemetry("req_r2", 300)});
  Send({Telemetry("req_r2", 900)});
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events["msg_r:req_r2"], std::make_tuple(uint64_t{900}, std::string("shop"), true));
  EXPECT_EQ(Rollup(), std::make_pair(uint64_t{900}, uint64_t{1}));
}

TEST_F(TelemetryStoreTest, OutOfOrderArrivalGivesTheSameLedger) {
  // Order A: transcript, telemetry. Order B: telemetry, transcript.
  Commit({Transcript("msg_6", "req_6", 12), Transcript("msg_7", "req_7", 900)});
  Send({Telemetry("req_6", 480), Telemetry("req_7", 800)});
  const auto a = Rollup();
  test::TempDir other;
  auto b = LedgerWriter::Open(other.Join("l.db"), "test");
  ASSERT_TRUE(b.ok());
  TelemetryBatch tb;
  tb.requests = {Telemetry("req_7", 800), Telemetry("req_6", 480)};
  ASSERT_TRUE((*b)->telemetry().CommitTelemetry(tb, "host", 2).ok());
  Batch bb;
  bb.events = {Transcript("msg_7", "req_7", 900), Transcript("msg_6", "req_6", 12)};
  ASSERT_TRUE((*b)->Commit(bb, "host", 1).ok());
  Result<UsageData> u = (*b)->reader().Usage(UsageFilter{});
  uint64_t output = 0, events = 0;
  for (const UsageRow& r : u->rows) {
    output += r.tokens.output;
    events += r.events;
  }
  EXPECT_EQ(a, std::make_pair(uint64_t{480 + 900}, uint64_t{2}));
  EXPECT_EQ(std::make_pair(output, events), a);
}

// Every stored attribute of a ledger's events but the key's prefix (a
// request telemetry saw first keeps its "otel:" key, so that ClickHouse
// never holds it under two keys) and the change bookkeeping.
std::vector<std::string> EventRows(const std::string& path) {
  auto db = sql::Database::Open(path, true);
  EXPECT_TRUE(db.ok()) << db.status().message();
  std::vector<std::string> out;
  if (!db.ok()) return out;
  sql::Statement st((*db)->handle(), R"sql(
    SELECT substr(key, instr(key, ':') + 1), input_tokens, output_tokens,
      cache_read_tokens, timestamp_ms, file, line_offset, session_id, project,
      cwd, git_branch, model, exact, cost_nano
    FROM events ORDER BY 1)sql");
  for (;;) {
    Result<bool> row = st.Step();
    EXPECT_TRUE(row.ok()) << row.status().message();
    if (!row.ok() || !*row) break;
    std::string line;
    for (int c = 0; c < 14; ++c) line += st.Text(c) + "|";
    out.push_back(line);
  }
  return out;
}

TEST_F(TelemetryStoreTest, TheEarliestTranscriptLineWinsWhicheverCameFirst) {
  // One response on three transcript lines, in two files; the earliest
  // line (by timestamp) is the middle one read.
  Event late = Transcript("msg_8", "req_8", 40, "late-project");
  late.first = Provenance{kT + 2'000, "/b.jsonl", 0};
  Event earliest = Transcript("msg_8", "req_8", 3, "first-project");
  earliest.first = Provenance{kT, "/a.jsonl", 500};
  Event middle = Transcript("msg_8", "req_8", 172, "middle-project");
  middle.first = Provenance{kT + 1'000, "/a.jsonl", 900};
  auto build = [&](const std::string& path, bool telemetry_first,
                   const std::vector<Event>& order) {
    auto l = LedgerWriter::Open(path, "test");
    ASSERT_TRUE(l.ok()) << l.status().message();
    TelemetryBatch tb;
    tb.requests = {Telemetry("req_8", 200)};
    if (telemetry_first) {
      ASSERT_TRUE((*l)->telemetry().CommitTelemetry(tb, "host", 2).ok());
    }
    for (const Event& e : order) {  // One commit a line, as a monitor does.
      Batch b;
      b.events = {e};
      ASSERT_TRUE((*l)->Commit(b, "host", 3).ok());
    }
    if (!telemetry_first) {
      ASSERT_TRUE((*l)->telemetry().CommitTelemetry(tb, "host", 2).ok());
    }
  };
  test::TempDir dirs;
  build(dirs.Join("a.db"), false, {late, earliest, middle});
  build(dirs.Join("b.db"), true, {late, earliest, middle});
  build(dirs.Join("c.db"), true, {middle, late, earliest});
  const std::vector<std::string> a = EventRows(dirs.Join("a.db"));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_NE(a[0].find("|first-project|"), std::string::npos) << a[0];
  EXPECT_NE(a[0].find("|200|"), std::string::npos) << a[0];  // Telemetry's.
  EXPECT_EQ(EventRows(dirs.Join("b.db")), a);
  EXPECT_EQ(EventRows(dirs.Join("c.db")), a);
}

TEST_F(TelemetryStoreTest, ReReadingAFileAfterTelemetryChangesNothing) {
  Send({Telemetry("req_9", 300)});
  Commit({Transcript("msg_9", "req_9", 12)});
  auto db = sql::Database::Open(dir_.Join("l.db"), true);
  const int64_t seq = *(*db)->QueryInt("SELECT MAX(change_seq) FROM events");
  Commit({Transcript("msg_9", "req_9", 12)});  // The same line again.
  EXPECT_EQ(*(*db)->QueryInt("SELECT MAX(change_seq) FROM events"), seq);
}

TEST_F(TelemetryStoreTest, MetricTotalsHandleDeltaCumulativeAndRestarts) {
  auto point = [](const std::string& metric, bool cumulative, int64_t start,
                  int64_t time, double value) {
    TelemetryPoint p;
    p.metric = metric;
    p.attributes = "type=output\n";
    p.cumulative = cumulative;
    p.start_ns = start;
    p.time_ns = time;
    p.value = value;
    p.key = metric + "|" + std::to_string(start) + "|" + std::to_string(time);
    return p;
  };
  TelemetryBatch b;
  // Cumulative: 100, 250 (run 1); a new start time: 30, 80 (run 2); then
  // a value that went down with no new start: 5 (run 3). 250 + 80 + 5.
  b.points = {point("claude_code.token.usage", true, 1, 10, 100),
              point("claude_code.token.usage", true, 1, 20, 250),
              point("claude_code.token.usage", true, 2, 30, 30),
              point("claude_code.token.usage", true, 2, 40, 80),
              point("claude_code.token.usage", true, 2, 50, 5),
              // Delta: summed.
              point("claude_code.cost.usage", false, 10, 20, 0.25),
              point("claude_code.cost.usage", false, 20, 30, 0.5)};
  ASSERT_TRUE(ledger_->telemetry().CommitTelemetry(b, "host", 1).ok());
  ASSERT_TRUE(ledger_->telemetry().CommitTelemetry(b, "host", 2).ok());  // A retry.
  auto totals = ledger_->reader().TelemetryMetricTotals();
  ASSERT_TRUE(totals.ok()) << totals.status().message();
  ASSERT_EQ(totals->size(), 2u);
  EXPECT_EQ((*totals)[0].metric, "claude_code.cost.usage");
  EXPECT_DOUBLE_EQ((*totals)[0].total, 0.75);
  EXPECT_EQ((*totals)[1].metric, "claude_code.token.usage");
  EXPECT_DOUBLE_EQ((*totals)[1].total, 335);
  EXPECT_EQ((*totals)[1].points, 5u);
  EXPECT_EQ((*totals)[1].restarts, 2u);
}

}  // namespace
}  // namespace cc
