// The dashboard over the team's ClickHouse (`dashboard --from clickhouse
// [--source S]`): a session's drill-down, read from the real engine, lists
// exactly the requests the ledgers hold, of every machine or of one.
#include <gtest/gtest.h>

#include <algorithm>

#include "chdb/chdb_http_server.h"
#include "chdb/chdb_test_util.h"
#include "clickhouse/shipper.h"
#include "core/clock.h"
#include "dashboard/clickhouse_source.h"
#include "ledger/ledger_writer.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr int64_t kStart = 1'756'857'600'000;  // 2025-09-03T00:00:00Z.

// Events of session "shared" (and of "other") written by `source`.
std::unique_ptr<LedgerWriter> LedgerOf(const test::TempDir& dir,
                                 const std::string& source, uint64_t events) {
  auto ledger = LedgerWriter::Open(dir.Join(source + ".db"), "test");
  EXPECT_TRUE(ledger.ok());
  Batch b;
  for (uint64_t i = 0; i < events; ++i) {
    Event e;
    e.key = source + "-k" + std::to_string(i);
    e.tokens.input = 10 + i;
    e.tokens.output = 100 * i;
    e.tokens.cache_read = 7 * i;
    e.attributes.session_id = i % 3 == 0 ? "other" : "shared";
    e.attributes.project = "proj\twith a tab";  // Escaped in TabSeparated.
    e.attributes.model = "claude-sonnet-4-20250514";
    e.first = Provenance{kStart + static_cast<int64_t>(i) * 60'000, "/f", i};
    b.events.push_back(e);
  }
  EXPECT_TRUE((*ledger)->Commit(b, source, 1).ok());
  return std::move(*ledger);
}

void Ship(LedgerWriter& ledger, ClickHouseClient& client) {
  SystemClock clock;
  Shipper shipper(ledger.ship_queue(), client, clock, ShipperOptions{}, 3);
  ClickHouseSchemaOptions schema;
  schema.database = "team";
  ASSERT_TRUE(shipper.EnsureSchema(schema).ok());
  Result<ShipSummary> shipped = shipper.Drain();
  ASSERT_TRUE(shipped.ok()) << shipped.status().message();
}

std::vector<SessionEvent> Expected(std::vector<LedgerWriter*> ledgers) {
  std::vector<SessionEvent> all;
  for (LedgerWriter* l : ledgers) {
    Result<std::vector<SessionEvent>> s = l->reader().SessionEvents("shared", 1000);
    EXPECT_TRUE(s.ok());
    all.insert(all.end(), s->begin(), s->end());
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::tie(a.timestamp_ms, a.key) < std::tie(b.timestamp_ms, b.key);
  });
  return all;
}

void ExpectSame(const std::vector<SessionEvent>& want,
                const std::vector<SessionEvent>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].key, got[i].key);
    EXPECT_EQ(want[i].timestamp_ms, got[i].timestamp_ms);
    EXPECT_EQ(want[i].project, got[i].project);
    EXPECT_EQ(want[i].source, got[i].source);
    EXPECT_EQ(want[i].model, got[i].model);
    EXPECT_EQ(want[i].tokens.input, got[i].tokens.input);
    EXPECT_EQ(want[i].tokens.output, got[i].tokens.output);
    EXPECT_EQ(want[i].tokens.cache_read, got[i].tokens.cache_read);
    EXPECT_EQ(want[i].cost_nano, got[i].cost_nano);
    EXPECT_EQ(want[i].priced, got[i].priced);
  }
}

TEST(DashboardFromClickHouse,
     ASessionsRequestsAreTheLedgersOfEveryOrOneMachine) {
  CC_CHDB_SESSION_OR_SKIP(ch);
  test::ChdbHttpServer server(ch, "reader", "pw");
  test::TempDir dir;
  std::unique_ptr<LedgerWriter> a = LedgerOf(dir, "host-a", 12);
  std::unique_ptr<LedgerWriter> b = LedgerOf(dir, "host-b", 9);
  auto http = MakeCurlHttpClient({});
  ASSERT_TRUE(http.ok());
  const ClickHouseEndpoint endpoint = *ParseClickHouseUrl(server.Url("team"));
  ClickHouseClient client(endpoint, **http);
  Ship(*a, client);
  Ship(*b, client);

  for (const std::optional<std::string>& only :
       {std::optional<std::string>(), std::optional<std::string>("host-b")}) {
    auto source_http = MakeCurlHttpClient({});
    ASSERT_TRUE(source_http.ok());
    std::unique_ptr<DashboardSource> source =
        MakeClickHouseSource(std::move(*source_http), endpoint, only);
    Result<std::vector<SessionEvent>> got =
        source->SessionEvents("shared", 1000);
    ASSERT_TRUE(got.ok()) << got.status().message();
    const std::vector<SessionEvent> want =
        only ? Expected({b.get()}) : Expected({a.get(), b.get()});
    EXPECT_EQ(want.size(), only ? 6u : 14u);
    ExpectSame(want, *got);
  }
}

}  // namespace
}  // namespace cc
