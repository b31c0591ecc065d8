// The shipper end to end: ledger outbox -> libcurl -> HTTP -> the real
// ClickHouse engine (chDB), with faults injected at the server. After each
// scenario, ClickHouse's totals (FINAL) must equal the ledger's.
#include <gtest/gtest.h>

#include <atomic>

#include "chdb/chdb_http_server.h"
#include "chdb/chdb_test_util.h"
#include "clickhouse/shipper.h"
#include "ledger/ledger_writer.h"
#include "test_util.h"

namespace cc {
namespace {

class FakeClock final : public Clock {
 public:
  int64_t NowMs() const override { return now_ms.load(); }
  int64_t SteadyNs() const override { return now_ms.load() * 1'000'000; }
  std::atomic<int64_t> now_ms{1'800'000'000'000};
};

constexpr int64_t kStart = 1'756'857'600'000;  // 2025-09-03T00:00:00Z.

Event MakeEvent(int i, uint64_t output, const std::string& key_prefix = "k") {
  Event e;
  e.key = key_prefix + std::to_string(i);
  e.tokens.input = 10;
  e.tokens.output = output;
  e.tokens.cache_read = 100;
  e.attributes.session_id = "s" + std::to_string(i % 3);
  e.attributes.project = "p";
  e.attributes.model = "claude-sonnet-4-20250514";
  e.first =
      Provenance{kStart + i * 60'000, "/f.jsonl", static_cast<uint64_t>(i)};
  return e;
}

// Each scenario twice: the shipper reading its batches back from the
// ledger, and served by the cache of rows the ledger committed in this
// process (OutboxRowCache), as `sync`, `backfill` and `run` do.
class ShipperInChdb : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    std::string why;
    ch_ = test::ChdbSession::Get(&why);
    if (ch_ == nullptr) {
      if (std::getenv("CONTEXT_CLEANER_REQUIRE_CHDB")) FAIL() << why;
      GTEST_SKIP() << "chDB unavailable: " << why;
    }
    static int n = 0;
    db_ = "ship" + std::to_string(++n);
    server_ = std::make_unique<test::ChdbHttpServer>(ch_, "writer", "s3cret");
    ledger_path_ = dir_.Join("ledger.db");
    OpenLedger();
    auto http = MakeCurlHttpClient({});
    ASSERT_TRUE(http.ok());
    http_ = std::move(*http);
    client_ = std::make_unique<ClickHouseClient>(
        *ParseClickHouseUrl(server_->Url(db_)), *http_);
  }

  // As a new process does: a new ledger, and a new (empty) cache.
  void OpenLedger() {
    shipper_.reset();
    ledger_.reset();
    cache_.reset();
    auto l = LedgerWriter::Open(ledger_path_, "test");
    ASSERT_TRUE(l.ok()) << l.status().message();
    ledger_ = std::move(*l);
    if (GetParam()) {
      cache_ = std::make_unique<OutboxRowCache>("alice", 1u << 20);
      ledger_->SetOutboxTap(cache_.get());
    }
  }

  void TearDown() override {
    shipper_.reset();
    ledger_.reset();
  }

  // A new Shipper over the current ledger (as after a restart).
  Shipper& NewShipper(size_t max_rows = 50'000, bool ensure_schema = true) {
    ShipperOptions o;
    o.user = "alice";
    o.max_rows = max_rows;
    o.request_timeout_ms = 500;
    o.cache = cache_.get();
    shipper_ = std::make_unique<Shipper>(ledger_->ship_queue(), *client_, clock_, o, 7);
    if (!ensure_schema) return *shipper_;
    ClickHouseSchemaOptions schema;
    schema.database = db_;
    Status s = shipper_->EnsureSchema(schema);
    EXPECT_TRUE(s.ok()) << s.message();
    return *shipper_;
  }

  void Commit(const std::vector<Event>& events) {
    Batch b;
    b.events = events;
    ASSERT_TRUE(ledger_->Commit(b, "host-a", clock_.NowMs()).ok());
  }

  // Steps (advancing the clock past any backoff) until all is shipped.
  void ShipAll(Shipper& s) {
    for (int i = 0; i < 200; ++i) {
      Result<ShipStep> step = s.Step(true);
      ASSERT_TRUE(step.ok()) << step.status().message();
      if (step->what == ShipStep::What::kIdle) return;
      ASSERT_NE(step->what, ShipStep::What::kStopped) << step->error;
      clock_.now_ms += 400'000;
    }
    FAIL() << "never finished shipping";
  }

  std::string ClickHouseTotals() {
    Result<std::string> r = ch_->Query(
        "SELECT count(), sum(input_tokens), sum(output_tokens), "
        "sum(cache_read_tokens), sum(cost_nano) FROM `" +
        db_ + "`.events FINAL");
    EXPECT_TRUE(r.ok()) << r.status().message();
    std::string v = r.ok() ? *r : "";
    while (!v.empty() && v.back() == '\n') v.pop_back();
    return v;
  }

  std::string LedgerTotals() {
    LedgerSummary s = *ledger_->reader().Summary();
    return std::to_string(s.events) + "\t" + std::to_string(s.tokens.input) +
           "\t" + std::to_string(s.tokens.output) + "\t" +
           std::to_string(s.tokens.cache_read) + "\t" +
           std::to_string(s.cost_nano);
  }

  test::ChdbSession* ch_ = nullptr;
  std::string db_;
  std::unique_ptr<test::ChdbHttpServer> server_;
  test::TempDir dir_;
  std::string ledger_path_;
  std::unique_ptr<OutboxRowCache> cache_;  // Outlives ledger_.
  std::unique_ptr<LedgerWriter> ledger_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<ClickHouseClient> client_;
  std::unique_ptr<Shipper> shipper_;
  FakeClock clock_;
};

TEST_P(ShipperInChdb, ShipsEverythingAndLaterVersionsReplace) {
  std::vector<Event> events;
  for (int i = 0; i < 25; ++i) events.push_back(MakeEvent(i, 3));
  Commit(events);
  Shipper& s = NewShipper(/*max_rows=*/10);
  Result<ShipSummary> d = s.Drain();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->batches_sent, 3u);
  EXPECT_EQ(d->rows_sent, 25u);
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());
  // Streaming partials grow into finals: the new versions replace.
  for (Event& e : events) e.tokens.output = 172;
  Commit(events);
  ASSERT_TRUE(s.Drain().ok());
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());
  EXPECT_EQ(ClickHouseTotals().substr(0, 3), "25\t");
  ShipState st = *ledger_->reader().ShippingState();
  EXPECT_EQ(st.pending_events, 0u);
  EXPECT_EQ(st.batches, 0u);
  EXPECT_EQ(st.status, "ok");
}

TEST_P(ShipperInChdb, ATimeoutAfterTheInsertCommittedDoesNotDouble) {
  Commit({MakeEvent(1, 5), MakeEvent(2, 7)});
  Shipper& s = NewShipper();
  const int before = server_->executed_inserts();
  server_->Inject(
      {test::Fault::Kind::kTimeoutAfterCommit, 200, 0, 1500, "", false});
  Result<ShipStep> step = s.Step(true);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->what, ShipStep::What::kRetryLater) << step->error;
  EXPECT_EQ(server_->executed_inserts(), before + 1);  // It did commit.
  clock_.now_ms += 400'000;
  ShipAll(s);
  EXPECT_EQ(server_->executed_inserts(), before + 2);  // Sent again...
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());       // ...and dropped.
}

// A frozen batch is re-read on each send. Rows that grew in between have a
// new change_seq: the replay under the old token is dropped by ClickHouse,
// and the new versions arrive in a later batch and replace the old.
TEST_P(ShipperInChdb, RowsThatChangeBetweenASendAndItsRetryArriveOnce) {
  Commit({MakeEvent(1, 5), MakeEvent(2, 7), MakeEvent(3, 9)});
  Shipper& s = NewShipper();
  server_->Inject(
      {test::Fault::Kind::kTimeoutAfterCommit, 200, 0, 1500, "", false});
  Result<ShipStep> step = s.Step(true);
  ASSERT_TRUE(step.ok());
  ASSERT_EQ(step->what, ShipStep::What::kRetryLater) << step->error;
  EXPECT_EQ(ClickHouseTotals(), "3\t30\t21\t300\t" +
                                    std::to_string(ledger_->reader().Summary()->cost_nano));
  Commit({MakeEvent(2, 700)});  // A streaming partial grew meanwhile.
  clock_.now_ms += 400'000;
  step = s.Step(true);  // The retry: two of its three rows are left.
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->what, ShipStep::What::kSent);
  EXPECT_EQ(step->rows, 2u);
  ShipAll(s);
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());
  EXPECT_EQ(ClickHouseTotals().substr(0, 7), "3\t30\t71");  // 5 + 700 + 9.
}

TEST_P(ShipperInChdb, AFrozenBatchWhoseRowsAllChangedIsDroppedUnsent) {
  Commit({MakeEvent(1, 5), MakeEvent(2, 7)});
  Shipper& s = NewShipper();
  server_->Inject({test::Fault::Kind::kStatus, 503, 0, 0, "", false});
  Result<ShipStep> step = s.Step(true);  // Frozen, refused.
  ASSERT_TRUE(step.ok());
  ASSERT_EQ(step->what, ShipStep::What::kRetryLater);
  Commit({MakeEvent(1, 50), MakeEvent(2, 70)});
  clock_.now_ms += 400'000;
  const int requests = server_->requests();
  step = s.Step(true);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->what, ShipStep::What::kSent);
  EXPECT_EQ(step->rows, 0u);
  EXPECT_EQ(server_->requests(), requests);  // Nothing to send for it.
  ShipAll(s);
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());
  EXPECT_EQ(ClickHouseTotals().substr(0, 8), "2\t20\t120");
}

// Telemetry goes to otel_logs after the events, effectively once: a
// timeout after the insert committed, then the retry, leaves one row per
// record, with the record's attributes.
TEST_P(ShipperInChdb, TelemetryShipsToOtelLogsOnce) {
  Commit({MakeEvent(1, 5)});
  TelemetryBatch t;
  for (int i = 0; i < 3; ++i) {
    TelemetryRequest r;
    r.key = r.request_id = "req_t" + std::to_string(i);
    r.model = "claude-sonnet-4-20250514";
    r.tokens.output = 100 * static_cast<uint64_t>(i + 1);
    r.duration_ms = 1000 + i;
    r.cost_usd = 0.5;
    r.event_ms = kStart + i;
    t.requests.push_back(r);
  }
  TelemetryError e;
  e.key = "err-1";
  e.status_code = "529";
  t.errors.push_back(e);
  ASSERT_TRUE(ledger_->telemetry().CommitTelemetry(t, "host-a", 1).ok());
  Shipper& s = NewShipper();
  ASSERT_TRUE(s.Step(true).ok());  // The events' batch.
  server_->Inject(
      {test::Fault::Kind::kTimeoutAfterCommit, 200, 0, 1500, "", false});
  Result<ShipStep> step = s.Step(true);  // Telemetry: committed, no answer.
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->what, ShipStep::What::kRetryLater) << step->error;
  clock_.now_ms += 400'000;
  ShipAll(s);
  EXPECT_EQ(test::QueryValue(ch_, "SELECT count(), "
                                  "sum(toUInt64(LogAttributes['output_tokens'])) FROM `" +
                                      db_ + "`.otel_logs WHERE Body = 'claude_code.api_request'"),
            "3\t600");
  EXPECT_EQ(test::QueryValue(ch_, "SELECT LogAttributes['status_code'], "
                                  "ResourceAttributes['host.name'] FROM `" +
                                      db_ + "`.otel_logs WHERE Body = 'claude_code.api_error'"),
            "529\thost-a");
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());  // Telemetry-only events too.
}

TEST_P(ShipperInChdb, ServerErrorsAndExceptionsInside200AreRetried) {
  Commit({MakeEvent(1, 5), MakeEvent(2, 7), MakeEvent(3, 9)});
  Shipper& s = NewShipper();
  server_->Inject({test::Fault::Kind::kStatus, 500, 252, 0, "", false});
  server_->Inject({test::Fault::Kind::kStatus, 503, 0, 0, "", false});
  server_->Inject({test::Fault::Kind::kExceptionIn200, 200, 0, 0, "", false});
  for (int i = 0; i < 3; ++i) {
    Result<ShipStep> step = s.Step(true);
    ASSERT_TRUE(step.ok());
    EXPECT_EQ(step->what, ShipStep::What::kRetryLater) << i;
    // Not before its backoff: nothing is sent meanwhile.
    Result<ShipStep> early = s.Step(true);
    ASSERT_TRUE(early.ok());
    EXPECT_EQ(early->what, ShipStep::What::kWaiting);
    clock_.now_ms += 400'000;
  }
  EXPECT_EQ(ledger_->reader().ShippingState()->status, "retrying");
  ShipAll(s);
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());
  EXPECT_EQ(ledger_->reader().ShippingState()->status, "ok");
}

TEST_P(ShipperInChdb, ABadRowIsIsolatedByHalvingAndTheRestArrives) {
  std::vector<Event> events;
  for (int i = 0; i < 8; ++i) events.push_back(MakeEvent(i, 3));
  events[5].key = "POISON5";
  Commit(events);
  Shipper& s = NewShipper();
  server_->Inject(
      {test::Fault::Kind::kBadRowsMarked, 400, 27, 0, "POISON", true});
  ShipAll(s);
  ShipState st = *ledger_->reader().ShippingState();
  EXPECT_EQ(st.rejected_rows, 1u);
  EXPECT_EQ(st.pending_events, 0u);
  Result<std::string> r = ch_->Query(
      "SELECT count(), countIf(key = 'POISON5') "
      "FROM `" +
      db_ + "`.events FINAL");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "7\t0\n");
}

TEST_P(ShipperInChdb, ABadTelemetryRowIsIsolatedAndTheRestArrives) {
  TelemetryBatch t;
  for (int i = 0; i < 8; ++i) {
    TelemetryRequest r;
    r.key = r.request_id = (i == 3 ? "POISON" : "req_t") + std::to_string(i);
    r.model = "claude-sonnet-4-20250514";
    r.tokens.output = 10;
    r.event_ms = kStart + i;
    t.requests.push_back(r);
  }
  ASSERT_TRUE(ledger_->telemetry().CommitTelemetry(t, "host-a", 1).ok());
  Shipper& s = NewShipper();
  server_->Inject(
      {test::Fault::Kind::kBadRowsMarked, 400, 27, 0, "POISON", true});
  ShipAll(s);
  // The poisoned request is refused twice: as an event (telemetry made
  // it) and as an otel_logs row; each alone, the 7 others arrive.
  ShipState st = *ledger_->reader().ShippingState();
  EXPECT_EQ(st.rejected_rows, 2u);
  EXPECT_EQ(test::QueryValue(ch_, "SELECT count(), countIf(LogAttributes["
                                  "'request_id'] = 'POISON3') FROM `" +
                                      db_ + "`.otel_logs"),
            "7\t0");
  EXPECT_EQ(test::QueryValue(ch_, "SELECT count() FROM `" + db_ +
                                      "`.events FINAL"),
            "7");
}

TEST_P(ShipperInChdb, AuthFailureStopsAndKeepsTheOutbox) {
  Commit({MakeEvent(1, 5)});
  Shipper& good = NewShipper();  // Creates the schema.
  (void)good;
  ClickHouseClient wrong(
      *ParseClickHouseUrl("http://writer:nope@127.0.0.1:" +
                          std::to_string(server_->port()) + "/" + db_),
      *http_);
  ShipperOptions o;
  Shipper s(ledger_->ship_queue(), wrong, clock_, o, 1);
  Result<ShipSummary> d = s.Drain();
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->stopped);
  ShipState st = *ledger_->reader().ShippingState();
  EXPECT_EQ(st.status, "stopped");
  EXPECT_NE(st.last_error.find("516"), std::string::npos) << st.last_error;
  EXPECT_EQ(st.last_error.find("nope"), std::string::npos);
  EXPECT_EQ(st.pending_events, 1u);
  // Fixed (the right password): everything arrives.
  ShipAll(NewShipper());
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());
}

TEST_P(ShipperInChdb, A404StopsAndKeepsTheOutboxUntilItIsFixed) {
  Commit({MakeEvent(1, 5), MakeEvent(2, 6)});
  Shipper& s = NewShipper();
  // A proxy in front of ClickHouse answers 404 (a wrong path, a database
  // that was dropped): a person must act; nothing is retried or lost.
  server_->Inject({test::Fault::Kind::kStatus, 404, 81, 0, "", true});
  Result<ShipSummary> d = s.Drain();
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->stopped);
  EXPECT_EQ(d->rows_sent, 0u);
  ShipState st = *ledger_->reader().ShippingState();
  EXPECT_EQ(st.status, "stopped");
  EXPECT_EQ(st.pending_events, 2u);
  server_->ClearFaults();
  ShipAll(NewShipper());  // The next run, once fixed.
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());
}

TEST_P(ShipperInChdb, AnOutageAcrossManyBatchesAndARestartLosesNothing) {
  NewShipper(/*max_rows=*/5);
  server_->Down();
  for (int round = 0; round < 4; ++round) {
    std::vector<Event> events;
    for (int i = 0; i < 7; ++i) events.push_back(MakeEvent(round * 7 + i, 11));
    Commit(events);
    Result<ShipStep> step = shipper_->Step(true);
    ASSERT_TRUE(step.ok());
    EXPECT_NE(step->what, ShipStep::What::kSent);
    clock_.now_ms += 60'000;
  }
  EXPECT_GT(ledger_->reader().ShippingState()->batches, 1u);
  // context-cleaner restarts in the middle of the outage.
  OpenLedger();
  Shipper& s = NewShipper(5, /*ensure_schema=*/false);
  Result<ShipStep> step = s.Step(true);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->what, ShipStep::What::kRetryLater);
  clock_.now_ms += 400'000;
  server_->Up();
  ShipAll(*shipper_);
  EXPECT_EQ(ClickHouseTotals(), LedgerTotals());
  EXPECT_EQ(ClickHouseTotals().substr(0, 3), "28\t");
}

INSTANTIATE_TEST_SUITE_P(
    FromLedgerAndFromCache, ShipperInChdb, ::testing::Bool(),
    [](const ::testing::TestParamInfo<bool>& p) {
      return p.param ? "FromCache" : "FromLedger";
    });

}  // namespace
}  // namespace cc
