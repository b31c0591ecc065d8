// Reports from ClickHouse equal reports from the ledger: the same events,
// shipped to the real engine, give the same query results, byte for byte
// in every report's JSON (and with filters).
#include <gtest/gtest.h>

#include <random>

#include "chdb/chdb_http_server.h"
#include "chdb/chdb_test_util.h"
#include "clickhouse/shipper.h"
#include "clickhouse/usage_query.h"
#include "core/clock.h"
#include "ledger/ledger_writer.h"
#include "report/project_names.h"
#include "report/report_render.h"
#include "report/usage_report.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr int64_t kStart = 1'756'857'600'000;  // 2025-09-03T00:00:00Z.

TEST(ReportFromClickHouse, EveryReportEqualsTheLedgers) {
  CC_CHDB_SESSION_OR_SKIP(ch);
  test::ChdbHttpServer server(ch, "reader", "pw");
  test::TempDir dir;
  auto ledger = LedgerWriter::Open(dir.Join("l.db"), "test");
  ASSERT_TRUE(ledger.ok());
  std::mt19937_64 rng(11);
  const char* models[] = {"claude-sonnet-4-20250514", "claude-opus-4-6",
                          "claude-unknown-x"};
  Batch b;
  for (int i = 0; i < 400; ++i) {
    Event e;
    e.key = "k" + std::to_string(i);
    e.tokens.input = rng() % 100;
    e.tokens.output = rng() % 3000;
    e.tokens.cache_creation = rng() % 5000;
    e.tokens.cache_read = rng() % 90000;
    e.attributes.session_id = "s" + std::to_string(rng() % 9);
    e.attributes.project = "p" + std::to_string(rng() % 3);
    e.attributes.model = models[rng() % 3];
    e.attributes.cwd = "/home/u/w" + std::to_string(i % 5);
    e.first =
        Provenance{kStart + static_cast<int64_t>(rng() % (6 * 86'400'000LL)),
                   "/f", static_cast<uint64_t>(i)};
    b.events.push_back(e);
  }
  ASSERT_TRUE((*ledger)->Commit(b, "host-a", 1).ok());

  auto http = MakeCurlHttpClient({});
  ASSERT_TRUE(http.ok());
  ClickHouseClient client(*ParseClickHouseUrl(server.Url("reports")), **http);
  SystemClock clock;
  Shipper shipper((*ledger)->ship_queue(), client, clock, ShipperOptions{}, 3);
  ClickHouseSchemaOptions schema;
  schema.database = "reports";
  ASSERT_TRUE(shipper.EnsureSchema(schema).ok());
  Result<ShipSummary> shipped = shipper.Drain();
  ASSERT_TRUE(shipped.ok());
  ASSERT_EQ(shipped->rows_sent, 400u);

  // Projects are named by the same paths from either source.
  Result<std::vector<ProjectCwd>> ledger_cwds = (*ledger)->reader().ProjectCwds();
  Result<std::vector<ProjectCwd>> team_cwds = QueryClickHouseProjectCwds(client);
  ASSERT_TRUE(ledger_cwds.ok()) << ledger_cwds.status().message();
  ASSERT_TRUE(team_cwds.ok()) << team_cwds.status().message();
  const ProjectNames from_ledger_names(*ledger_cwds, "/home/u");
  const ProjectNames from_team_names(*team_cwds, "/home/u");
  for (const char* p : {"p0", "p1", "p2"}) {
    EXPECT_NE(from_ledger_names.Path(p), "") << p;
    EXPECT_EQ(from_ledger_names.Display(p), from_team_names.Display(p)) << p;
  }

  Result<TimeZone> zone = TimeZone::Load("America/New_York");
  ASSERT_TRUE(zone.ok());
  std::vector<UsageFilter> filters(3);
  filters[1].since_ms = zone->LocalDayStart(kStart / 86'400'000 + 1);
  filters[1].until_ms = zone->LocalDayStart(kStart / 86'400'000 + 4);
  filters[2].project = "p1";
  filters[2].source = "host-a";
  for (size_t f = 0; f < filters.size(); ++f) {
    Result<UsageData> from_ledger = (*ledger)->reader().Usage(filters[f]);
    Result<UsageData> from_clickhouse =
        QueryClickHouseUsage(client, filters[f]);
    ASSERT_TRUE(from_ledger.ok());
    ASSERT_TRUE(from_clickhouse.ok()) << from_clickhouse.status().message();
    EXPECT_EQ(from_ledger->rows.size(), from_clickhouse->rows.size()) << f;
    for (ReportKind kind :
         {ReportKind::kDaily, ReportKind::kWeekly, ReportKind::kMonthly,
          ReportKind::kSession, ReportKind::kBlocks}) {
      ReportSpec spec;
      spec.kind = kind;
      spec.zone = *zone;
      spec.now_ms = kStart + 7 * 86'400'000LL;
      RenderOptions render;
      render.zone = *zone;
      const std::string a = ReportJson(BuildReport(*from_ledger, spec), render);
      const std::string c =
          ReportJson(BuildReport(*from_clickhouse, spec), render);
      EXPECT_EQ(a, c) << "filter " << f << ", report "
                      << static_cast<int>(kind);
      EXPECT_GT(a.size(), 100u);
    }
  }
}

}  // namespace
}  // namespace cc
