// What a telemetry record may say (core/record_bounds.h): token counts in
// [0, 2^40], a time in [2023-01-01, now + 1 day]; a record outside is
// rejected with its reason, counted like any unusable record, and nothing
// of it reaches the ledger.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/record_bounds.h"
#include "ledger/ledger_writer.h"
#include "otel/otel_test_util.h"
#include "price/price_table.h"
#include "test_util.h"

namespace cc {
namespace {

using test::Attr;
using test::logs_svc::ExportLogsServiceRequest;

constexpr uint64_t kT_ns = 1'756'893'600'000'000'000;  // 2025-09-03T10:00:00Z.
constexpr int64_t kNowMs = 1'772'323'200'000;          // 2026-03-01T00:00:00Z.
constexpr int64_t kDayMs = 86'400'000;

struct Counts {
  std::string input = "10";
  std::string output = "20";
  std::string cache_read = "30";
  std::string cache_creation = "40";
};

// An api_request as Claude Code sends it: counts as decimal strings.
opentelemetry::proto::logs::v1::LogRecord* AddRequest(
    ExportLogsServiceRequest* r, const std::string& id, const Counts& c,
    uint64_t time_ns = kT_ns) {
  auto* sl = r->resource_logs_size() == 0
                 ? r->add_resource_logs()->add_scope_logs()
                 : r->mutable_resource_logs(0)->mutable_scope_logs(0);
  auto* rec = sl->add_log_records();
  rec->set_time_unix_nano(time_ns);
  rec->set_event_name("claude_code.api_request");
  Attr(rec, "model", "claude-sonnet-4-20250514");
  Attr(rec, "session.id", "s1");
  Attr(rec, "request_id", id);
  Attr(rec, "input_tokens", c.input);
  Attr(rec, "output_tokens", c.output);
  Attr(rec, "cache_read_tokens", c.cache_read);
  Attr(rec, "cache_creation_tokens", c.cache_creation);
  return rec;
}

OtlpDecoded Decode(const ExportLogsServiceRequest& r) {
  Result<OtlpDecoded> d = test::DecodeProtobuf(r, kNowMs);
  EXPECT_TRUE(d.ok()) << d.status().message();
  return d.ok() ? std::move(*d) : OtlpDecoded{};
}

const std::string kOverBound = "999999999999999";  // 10^15 - 1 > 2^40.
const std::string kAtBound = std::to_string(kMaxTokenCount);
const std::string kAboveBound = std::to_string(kMaxTokenCount + 1);

TEST(ClaudeTelemetry, ACountAbove2To40IsRejectedWithItsReasonAndNotStored) {
  ExportLogsServiceRequest r;
  AddRequest(&r, "req_ok", Counts{});
  AddRequest(&r, "req_huge", Counts{kOverBound, kOverBound, kOverBound, kOverBound});
  OtlpDecoded d = Decode(r);
  EXPECT_EQ(d.rejected, 1);
  EXPECT_EQ(d.first_error,
            "api_request: input_tokens: above 2^40, the most a record may carry");
  ASSERT_EQ(d.batch.requests.size(), 1u);
  EXPECT_EQ(d.batch.requests[0].request_id, "req_ok");

  // What is stored: the good record's counts alone.
  test::TempDir dir;
  auto ledger = LedgerWriter::Open(dir.Join("l.db"), "test");
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  ASSERT_TRUE((*ledger)->telemetry().CommitTelemetry(d.batch, "host", 1).ok());
  Result<LedgerSummary> s = (*ledger)->reader().Summary();
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->events, 1u);
  EXPECT_EQ(s->telemetry_requests, 1u);
  EXPECT_EQ(s->tokens.input, 10u);
  EXPECT_EQ(s->tokens.output, 20u);
  EXPECT_EQ(s->tokens.cache_read, 30u);
  EXPECT_EQ(s->tokens.cache_creation, 40u);
}

TEST(ClaudeTelemetry, EachCountMayBe2To40ButNotOneMore) {
  ExportLogsServiceRequest r;
  AddRequest(&r, "at", Counts{kAtBound, kAtBound, kAtBound, kAtBound});
  AddRequest(&r, "input", Counts{kAboveBound, "1", "1", "1"});
  AddRequest(&r, "output", Counts{"1", kAboveBound, "1", "1"});
  AddRequest(&r, "read", Counts{"1", "1", kAboveBound, "1"});
  AddRequest(&r, "creation", Counts{"1", "1", "1", kAboveBound});
  OtlpDecoded d = Decode(r);
  EXPECT_EQ(d.rejected, 4);
  ASSERT_EQ(d.batch.requests.size(), 1u);
  EXPECT_EQ(d.batch.requests[0].request_id, "at");
  EXPECT_EQ(d.batch.requests[0].tokens.output, kMaxTokenCount);
}

TEST(ClaudeTelemetry, ATokenMetricPointAbove2To40IsRejected) {
  test::metrics_svc::ExportMetricsServiceRequest r;
  auto* sum = test::TokenUsageSum(
      &r, test::otel_metrics::AGGREGATION_TEMPORALITY_DELTA);
  for (uint64_t v : {uint64_t{480}, kMaxTokenCount + 1}) {
    auto* p = sum->add_data_points();
    p->set_time_unix_nano(kT_ns + v);
    p->set_as_int(static_cast<int64_t>(v));
  }
  Result<OtlpDecoded> d = test::DecodeProtobuf(r, kNowMs);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->rejected, 1);
  EXPECT_NE(d->first_error.find("above 2^40"), std::string::npos) << d->first_error;
  ASSERT_EQ(d->batch.points.size(), 1u);
  EXPECT_EQ(d->batch.points[0].value, 480);
}

// The record's time is its event.timestamp, else its time_unix_nano.
void AddDated(ExportLogsServiceRequest* r, const std::string& id,
              const std::string& event_timestamp, uint64_t time_ns = kT_ns) {
  auto* rec = AddRequest(r, id, Counts{}, time_ns);
  if (!event_timestamp.empty()) Attr(rec, "event.timestamp", event_timestamp);
}

// Issue 13: telemetry dated 0000, 1969 or 9999 was kept, and reports
// printed "-001-12-26" and blocks "ACTIVE, 2912102d left".
TEST(ClaudeTelemetry, ARecordDatedOutsideTheWindowIsRejectedWithItsReason) {
  ExportLogsServiceRequest r;
  AddDated(&r, "year0", "0000-01-01T00:00:00Z");
  AddDated(&r, "1969", "1969-12-31T23:59:59Z");
  AddDated(&r, "2022", "2022-12-31T23:59:59Z");
  AddDated(&r, "9999", "9999-12-31T23:59:59Z");
  AddDated(&r, "now+2d", FormatIsoTimestampMs(kNowMs + 2 * kDayMs));
  AddDated(&r, "epoch+1ns", "", 1);  // time_unix_nano: 1970.
  AddDated(&r, "2023", "2023-01-01T00:00:00Z");
  AddDated(&r, "now+1d", FormatIsoTimestampMs(kNowMs + kDayMs));
  AddDated(&r, "untimed", "", 0);  // No time at all: dated on arrival.
  auto* error = r.mutable_resource_logs(0)->mutable_scope_logs(0)->add_log_records();
  error->set_event_name("claude_code.api_error");
  Attr(error, "event.timestamp", "1969-12-31T23:59:59Z");
  OtlpDecoded d = Decode(r);
  EXPECT_EQ(d.rejected, 7);
  EXPECT_EQ(d.first_error,
            "api_request: timestamp: before 2023-01-01T00:00:00Z "
            "(0000-01-01T00:00:00.000Z)");
  std::vector<std::string> kept;
  for (const TelemetryRequest& q : d.batch.requests) kept.push_back(q.request_id);
  EXPECT_EQ(kept, (std::vector<std::string>{"2023", "now+1d", "untimed"}));
  EXPECT_EQ(d.batch.requests[0].event_ms, kEarliestRecordMs);
  EXPECT_EQ(d.batch.requests[2].event_ms, kNowMs);
  EXPECT_TRUE(d.batch.errors.empty());
}

TEST(ClaudeTelemetry, TheFutureLimitMovesWithTheClock) {
  ExportLogsServiceRequest r;
  AddDated(&r, "later", FormatIsoTimestampMs(kNowMs + 2 * kDayMs));
  Result<OtlpDecoded> early = test::DecodeProtobuf(r, kNowMs);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->rejected, 1);
  EXPECT_NE(early->first_error.find("timestamp: more than a day after now"),
            std::string::npos)
      << early->first_error;
  Result<OtlpDecoded> later = test::DecodeProtobuf(r, kNowMs + kDayMs);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->rejected, 0) << later->first_error;
}

// Issue 12's ledger: 10,001 requests with 10^15 - 1 in every count broke
// sync-status, validate and reprice ("integer overflow"). Now such counts
// are refused; at the bound itself the same ledger sums exactly.
TEST(ClaudeTelemetry, TenThousandRequestsAtTheBoundSumExactly) {
  constexpr uint64_t kRequests = 10'001;
  ExportLogsServiceRequest huge, at_bound;
  for (uint64_t i = 0; i < kRequests; ++i) {
    const std::string id = "req_" + std::to_string(i);
    AddRequest(&huge, id, Counts{kOverBound, kOverBound, kOverBound, kOverBound},
               kT_ns + i * 1'000'000);
    AddRequest(&at_bound, id, Counts{kAtBound, kAtBound, kAtBound, kAtBound},
               kT_ns + i * 1'000'000);
  }
  OtlpDecoded refused = Decode(huge);
  EXPECT_EQ(refused.rejected, static_cast<int64_t>(kRequests));
  EXPECT_TRUE(refused.batch.requests.empty());

  OtlpDecoded d = Decode(at_bound);
  ASSERT_EQ(d.rejected, 0) << d.first_error;
  test::TempDir dir;
  auto ledger = LedgerWriter::Open(dir.Join("l.db"), "test");
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  ASSERT_TRUE((*ledger)->telemetry().CommitTelemetry(refused.batch, "host", 1).ok());
  ASSERT_TRUE((*ledger)->telemetry().CommitTelemetry(d.batch, "host", 1).ok());

  const uint64_t field_sum = kRequests * kMaxTokenCount;
  Result<LedgerSummary> s = (*ledger)->reader().Summary();  // sync-status.
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->events, kRequests);
  EXPECT_EQ(s->tokens.input, field_sum);
  EXPECT_EQ(s->tokens.cache_creation, field_sum);
  EXPECT_EQ(s->tokens.Total(), 4 * field_sum);
  EXPECT_EQ(s->cost_nano, static_cast<int64_t>(kRequests) * kMaxRequestCostNano);
  Result<UsageData> u = (*ledger)->reader().Usage(UsageFilter{});  // Every report.
  ASSERT_TRUE(u.ok()) << u.status().message();
  Tokens tokens;
  int64_t cost_nano = 0;
  for (const UsageRow& row : u->rows) {
    tokens += row.tokens;
    cost_nano += row.cost_nano;
  }
  EXPECT_EQ(tokens, s->tokens);
  EXPECT_EQ(cost_nano, s->cost_nano);
  ASSERT_TRUE((*ledger)->reader().AllEvents().ok());  // validate.
  Result<RepriceStats> re = (*ledger)->Reprice();  // reprice.
  ASSERT_TRUE(re.ok()) << re.status().message();
}

}  // namespace
}  // namespace cc
