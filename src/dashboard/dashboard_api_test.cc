// The dashboard's API over a ledger of five known events, against figures
// computed by hand (Claude Sonnet 4: $3 input, $15 output, $3.75 5-minute
// cache write, $0.30 cache read per million tokens; every request stays
// under the 200k-token prompt above which Sonnet 4's long-context rates
// apply). "Now" is Wednesday
// 2025-09-10 12:00 UTC; weeks start on Monday.
//
//   e1 2025-09-10 10:00  s1 pa  1,000 in + 2,000 out           $0.033
//   e2 2025-09-10 11:30  s1 pa  10,000 cache write + 150k read  $0.0825
//   e3 2025-09-09 09:00  s2 pb  2,000 in                        $0.006
//   e4 2025-09-01 08:00  s3 pb  1,000 out                       $0.015
//   e5 2025-08-20 12:00  s4 pc  2,000 out                       $0.03
#include "dashboard/dashboard_api.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>

#include "core/civil_time.h"
#include "ledger/ledger_writer.h"
#include "tail/file_identity.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr const char* kModel = "claude-sonnet-4-20250514";

int64_t At(const char* iso) { return *ParseIsoTimestampMs(iso); }

Event MakeEvent(const std::string& key, const char* iso, const char* session,
                const char* project, Tokens t) {
  Event e;
  e.key = key;
  e.tokens = t;
  e.attributes.session_id = session;
  e.attributes.project = project;
  e.attributes.model = kModel;
  e.first = Provenance{At(iso), "/f.jsonl", 0};
  return e;
}

class DashboardApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = LedgerWriter::Open(dir_.Join("l.db"), "test");
    ASSERT_TRUE(ledger.ok()) << ledger.status().message();
    ledger_ = std::move(*ledger);
    Tokens t1, t2, t3, t4, t5;
    t1.input = 1000;
    t1.output = 2000;
    t2.cache_creation = t2.cache_creation_5m = 10'000;
    t2.cache_read = 150'000;
    t3.input = 2000;
    t4.output = 1000;
    t5.output = 2000;
    Batch b;
    b.events = {MakeEvent("e1", "2025-09-10T10:00:00Z", "s1", "pa", t1),
                MakeEvent("e2", "2025-09-10T11:30:00Z", "s1", "pa", t2),
                MakeEvent("e3", "2025-09-09T09:00:00Z", "s2", "pb", t3),
                MakeEvent("e4", "2025-09-01T08:00:00Z", "s3", "pb", t4),
                MakeEvent("e5", "2025-08-20T12:00:00Z", "s4", "pc", t5)};
    ASSERT_TRUE(ledger_->Commit(b, "host-a", 1).ok());
    auto snapshot = LoadLedgerSnapshot(ledger_->reader(), now_);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
    (*snapshot)->version = 7;
    snapshot_ = *snapshot;
    ApiSources src;
    src.snapshot = [this] { return snapshot_; };
    src.session_events = [this](const std::string& id, size_t limit) {
      return ledger_->reader().SessionEvents(id, limit);
    };
    src.now_ms = [this] { return now_; };
    src.prices = &PriceTable::Embedded();
    src.default_start_of_week = 1;  // The server was started with --start-of-week monday.
    api_ = std::make_unique<DashboardApi>(src);
  }

  // GET path?query -> parsed JSON (kept alive in the parser).
  simdjson::dom::element Get(const std::string& path,
                             std::map<std::string, std::string> params = {},
                             int want_status = 200) {
    ApiResponse r = api_->Handle(ApiRequest{path, std::move(params)});
    EXPECT_EQ(r.status, want_status) << path << ": " << r.body;
    body_ = r.body;
    simdjson::dom::element e;
    EXPECT_EQ(parser_.parse(body_).get(e), simdjson::SUCCESS) << r.body;
    return e;
  }

  static double Num(simdjson::dom::element e) {
    double d = 0;
    if (e.is_double()) return e.get_double().value();
    if (e.is_int64()) return static_cast<double>(e.get_int64().value());
    if (e.is_uint64()) return static_cast<double>(e.get_uint64().value());
    (void)d;
    ADD_FAILURE() << "not a number";
    return -1;
  }

  test::TempDir dir_;
  std::unique_ptr<LedgerWriter> ledger_;
  std::shared_ptr<const DashboardSnapshot> snapshot_;
  int64_t now_ = At("2025-09-10T12:00:00Z");
  std::unique_ptr<DashboardApi> api_;
  simdjson::dom::parser parser_;
  std::string body_;
};

TEST_F(DashboardApiTest, OverviewHasEachPeriodAndTheOneBefore) {
  auto o = Get("/api/overview", {{"tz", "UTC"}});
  EXPECT_EQ(o["version"].get_uint64().value(), 7u);
  EXPECT_DOUBLE_EQ(Num(o["today"]["current"]["costUSD"]), 0.1155);
  EXPECT_EQ(o["today"]["current"]["events"].get_uint64().value(), 2u);
  EXPECT_DOUBLE_EQ(Num(o["today"]["previous"]["costUSD"]), 0.006);
  EXPECT_DOUBLE_EQ(Num(o["today"]["previousSoFar"]["costUSD"]), 0.006);
  EXPECT_EQ(std::string(o["week"]["label"].get_string().value()), "2025-09-08");
  EXPECT_DOUBLE_EQ(Num(o["week"]["current"]["costUSD"]), 0.1215);
  EXPECT_DOUBLE_EQ(Num(o["week"]["previous"]["costUSD"]), 0.015);
  EXPECT_DOUBLE_EQ(Num(o["week"]["previousSoFar"]["costUSD"]), 0.015);
  EXPECT_EQ(std::string(o["month"]["label"].get_string().value()), "2025-09");
  EXPECT_DOUBLE_EQ(Num(o["month"]["current"]["costUSD"]), 0.1365);
  EXPECT_DOUBLE_EQ(Num(o["month"]["previous"]["costUSD"]), 0.03);
  EXPECT_DOUBLE_EQ(Num(o["month"]["previousSoFar"]["costUSD"]), 0.0);
  EXPECT_DOUBLE_EQ(Num(o["allTime"]["costUSD"]), 0.1665);
  EXPECT_EQ(o["today"]["current"]["cacheReadTokens"].get_uint64().value(),
            150'000u);
  // Sunday weeks: the week of 2025-09-07 holds e1, e2, e3.
  auto sunday = Get("/api/overview", {{"tz", "UTC"}, {"weekStart", "sun"}});
  EXPECT_EQ(std::string(sunday["week"]["label"].get_string().value()),
            "2025-09-07");
  Get("/api/overview", {{"weekStart", "someday"}}, 400);
}

TEST(DashboardApiWeeks, WithoutWeekStartTheServersSettingDecidesAsItDoesForReports) {
  // 2025-09-10 is a Wednesday; the server's default (Sunday unless set)
  // labels the week by its first day, as `report weekly` does.
  auto snapshot = std::make_shared<DashboardSnapshot>();
  snapshot->origin = "ledger";
  for (const auto& [start, label] : {std::pair{0, "2025-09-07"}, std::pair{1, "2025-09-08"},
                                     std::pair{3, "2025-09-10"}}) {
    ApiSources src;
    src.snapshot = [&] { return snapshot; };
    src.now_ms = [] { return *ParseIsoTimestampMs("2025-09-10T12:00:00Z"); };
    src.prices = &PriceTable::Embedded();
    src.default_start_of_week = start;
    DashboardApi api(src);
    ApiResponse r = api.Handle(ApiRequest{"/api/overview", {{"tz", "UTC"}}});
    ASSERT_EQ(r.status, 200) << r.body;
    simdjson::dom::parser parser;
    simdjson::dom::element o;
    ASSERT_EQ(parser.parse(r.body).get(o), simdjson::SUCCESS) << r.body;
    EXPECT_EQ(std::string(o["week"]["label"].get_string().value()), label) << start;
  }
  ApiSources defaults;
  EXPECT_EQ(defaults.default_start_of_week, 0);  // Sunday, as `report weekly`.
}

TEST_F(DashboardApiTest, TheActiveBlockHasItsBurnRateAndProjection) {
  auto b = Get("/api/overview")["block"];
  ASSERT_TRUE(b.is_object()) << body_;
  EXPECT_EQ(std::string(b["start"].get_string().value()), "2025-09-10T10:00:00.000Z");
  EXPECT_EQ(std::string(b["end"].get_string().value()), "2025-09-10T15:00:00.000Z");
  EXPECT_EQ(b["elapsedMinutes"].get_int64().value(), 120);
  EXPECT_EQ(b["remainingMinutes"].get_int64().value(), 180);
  EXPECT_EQ(b["totals"]["totalTokens"].get_uint64().value(), 163'000u);
  EXPECT_DOUBLE_EQ(Num(b["totals"]["costUSD"]), 0.1155);
  // 120 minutes from the first request to now: 163,000 / 120 tokens a
  // minute, $0.1155 / 2 an hour; 180 minutes more at that pace.
  EXPECT_NEAR(Num(b["burnRate"]["tokensPerMinute"]), 163'000.0 / 120, 1e-6);
  EXPECT_NEAR(Num(b["burnRate"]["costPerHour"]), 0.05775, 1e-9);
  EXPECT_EQ(b["projection"]["totalTokens"].get_uint64().value(), 407'500u);
  EXPECT_NEAR(Num(b["projection"]["totalCost"]), 0.28875, 1e-9);
}

// The snapshot again after more events, at `now`.
#define RELOAD(now)                                                  \
  do {                                                               \
    now_ = At(now);                                                  \
    auto s = LoadLedgerSnapshot(ledger_->reader(), now_);            \
    ASSERT_TRUE(s.ok()) << s.status().message();                     \
    snapshot_ = *s;                                                  \
  } while (0)

TEST_F(DashboardApiTest, EarlyInABlockThereIsNoBurnRateYet) {
  Tokens t;
  t.output = 50'000;
  Batch b;
  b.events = {MakeEvent("e6", "2025-09-10T16:00:00Z", "s5", "pa", t),
              MakeEvent("e7", "2025-09-10T16:00:16Z", "s5", "pa", t)};
  ASSERT_TRUE(ledger_->Commit(b, "host-a", 2).ok());
  RELOAD("2025-09-10T16:00:20Z");
  auto early = Get("/api/overview")["block"];
  ASSERT_TRUE(early.is_object()) << body_;
  EXPECT_EQ(std::string(early["start"].get_string().value()), "2025-09-10T16:00:00.000Z");
  EXPECT_TRUE(early["burnRate"].is_null()) << body_;
  EXPECT_TRUE(early["projection"].is_null()) << body_;
  EXPECT_EQ(early["remainingMinutes"].get_int64().value(), 300);
  // Ten minutes in: 100,000 tokens over 10 minutes.
  RELOAD("2025-09-10T16:10:00Z");
  auto later = Get("/api/overview")["block"];
  EXPECT_NEAR(Num(later["burnRate"]["tokensPerMinute"]), 10'000.0, 1e-6);
  EXPECT_EQ(later["projection"]["totalTokens"].get_uint64().value(),
            100'000u + 10'000u * 290u);
}

TEST_F(DashboardApiTest, SyntheticCountsButIsNotAModel) {
  Event e = MakeEvent("e6", "2025-09-10T11:45:00Z", "s1", "pa", Tokens{});
  e.attributes.model = "<synthetic>";
  Batch b;
  b.events = {e};
  ASSERT_TRUE(ledger_->Commit(b, "host-a", 2).ok());
  RELOAD("2025-09-10T12:00:00Z");
  auto o = Get("/api/overview", {{"tz", "UTC"}});
  EXPECT_EQ(o["allTime"]["events"].get_uint64().value(), 6u);
  EXPECT_EQ(o["today"]["current"]["events"].get_uint64().value(), 3u);
  EXPECT_EQ(body_.find("synthetic"), std::string::npos) << body_;
  auto models = Get("/api/breakdown", {{"by", "model"}});
  EXPECT_EQ(models["totalRows"].get_uint64().value(), 1u);
  EXPECT_EQ(body_.find("synthetic"), std::string::npos) << body_;
  auto sessions = Get("/api/breakdown", {{"by", "session"}, {"q", "s1"}});
  EXPECT_EQ(sessions["rows"].get_array().at(0)["totals"]["events"].get_uint64().value(), 3u);
  EXPECT_EQ(body_.find("synthetic"), std::string::npos) << body_;
  Get("/api/series", {{"bucket", "day"}, {"from", "2025-09-10"},
                      {"to", "2025-09-10"}, {"tz", "UTC"}});
  EXPECT_EQ(body_.find("synthetic"), std::string::npos) << body_;
}

TEST_F(DashboardApiTest, CacheShareAndSavings) {
  auto c = Get("/api/overview")["cache"];
  EXPECT_EQ(c["cacheReadTokens"].get_uint64().value(), 150'000u);
  // input 1,000 + 2,000 + cache write 10,000 + cache read 150,000.
  EXPECT_EQ(c["inputSideTokens"].get_uint64().value(), 163'000u);
  EXPECT_NEAR(Num(c["readShare"]), 150'000.0 / 163'000, 1e-12);
  // 150k reads at $0.30 instead of $3 per million save $0.405; 10k
  // 5-minute writes at $3.75 instead of $3 cost $0.0075 more.
  EXPECT_DOUBLE_EQ(Num(c["readSavingsUSD"]), 0.405);
  EXPECT_DOUBLE_EQ(Num(c["writePremiumUSD"]), 0.0075);
  EXPECT_DOUBLE_EQ(Num(c["savedUSD"]), 0.3975);
}

TEST_F(DashboardApiTest, SeriesPerDayOverAnInclusiveRange) {
  auto s = Get("/api/series", {{"bucket", "day"}, {"from", "2025-09-08"},
                               {"to", "2025-09-10"}, {"tz", "UTC"}});
  auto starts = s["starts"].get_array();
  ASSERT_EQ(starts.size(), 3u);
  EXPECT_EQ(starts.at(0).get_int64().value(), At("2025-09-08T00:00:00Z"));
  auto models = s["models"].get_array();
  ASSERT_EQ(models.size(), 1u);
  auto cost = models.at(0)["costUSD"].get_array();
  EXPECT_DOUBLE_EQ(Num(cost.at(0)), 0);
  EXPECT_DOUBLE_EQ(Num(cost.at(1)), 0.006);
  EXPECT_DOUBLE_EQ(Num(cost.at(2)), 0.1155);
  auto tokens = models.at(0)["tokens"].get_array();
  EXPECT_EQ(tokens.at(2).get_uint64().value(), 163'000u);
  // Hours of a day in Tokyo (+9): 10:00 UTC is 19:00 there.
  auto h = Get("/api/series", {{"bucket", "hour"}, {"from", "2025-09-10"},
                               {"to", "2025-09-10"}, {"tz", "Asia/Tokyo"}});
  auto hs = h["starts"].get_array();
  ASSERT_EQ(hs.size(), 24u);
  auto hc = h["models"].get_array().at(0)["costUSD"].get_array();
  EXPECT_DOUBLE_EQ(Num(hc.at(19)), 0.033);
  EXPECT_DOUBLE_EQ(Num(hc.at(20)), 0.0825);
}

TEST_F(DashboardApiTest, BreakdownsSortSearchAndLimit) {
  auto p = Get("/api/breakdown", {{"by", "project"}});
  EXPECT_EQ(p["totalRows"].get_uint64().value(), 3u);
  auto rows = p["rows"].get_array();
  EXPECT_EQ(std::string(rows.at(0)["name"].get_string().value()), "pa");
  EXPECT_EQ(std::string(rows.at(1)["name"].get_string().value()), "pc");
  EXPECT_EQ(std::string(rows.at(2)["name"].get_string().value()), "pb");
  EXPECT_DOUBLE_EQ(Num(rows.at(2)["totals"]["costUSD"]), 0.021);
  auto by_name = Get("/api/breakdown", {{"by", "project"}, {"sort", "name"}, {"order", "asc"}, {"limit", "1"}});
  EXPECT_EQ(by_name["totalRows"].get_uint64().value(), 3u);
  ASSERT_EQ(by_name["rows"].get_array().size(), 1u);
  EXPECT_EQ(std::string(by_name["rows"].get_array().at(0)["name"].get_string().value()), "pa");
  auto search = Get("/api/breakdown", {{"by", "session"}, {"q", "PB"}});
  EXPECT_EQ(search["totalRows"].get_uint64().value(), 2u);  // s2, s3: project pb.
  auto since = Get("/api/breakdown", {{"by", "session"}, {"from", "2025-09-09"}, {"tz", "UTC"}});
  EXPECT_EQ(since["totalRows"].get_uint64().value(), 2u);  // s1, s2.
  auto models = Get("/api/breakdown", {{"by", "model"}});
  EXPECT_EQ(std::string(models["rows"].get_array().at(0)["name"].get_string().value()), kModel);
  auto sources = Get("/api/breakdown", {{"by", "source"}});
  EXPECT_EQ(std::string(sources["rows"].get_array().at(0)["name"].get_string().value()), "host-a");
}

TEST_F(DashboardApiTest, ASessionListsItsRequestsInOrder) {
  auto s = Get("/api/session", {{"id", "s1"}});
  auto reqs = s["requests"].get_array();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(std::string(reqs.at(0)["key"].get_string().value()), "e1");
  EXPECT_DOUBLE_EQ(Num(reqs.at(0)["costUSD"]), 0.033);
  EXPECT_DOUBLE_EQ(Num(reqs.at(1)["costUSD"]), 0.0825);
  EXPECT_DOUBLE_EQ(Num(s["totals"]["costUSD"]), 0.1155);
  EXPECT_EQ(std::string(s["project"].get_string().value()), "pa");
  EXPECT_FALSE(s["truncated"].get_bool().value());
  auto cut = Get("/api/session", {{"id", "s1"}, {"limit", "1"}});
  EXPECT_TRUE(cut["truncated"].get_bool().value());
  EXPECT_EQ(cut["requests"].get_array().size(), 1u);
  // The session's totals, not the cut list's.
  EXPECT_DOUBLE_EQ(Num(cut["totals"]["costUSD"]), 0.1155);
  EXPECT_EQ(cut["totals"]["events"].get_uint64().value(), 2u);
  EXPECT_EQ(std::string(cut["project"].get_string().value()), "pa");
  Get("/api/session", {{"id", "s1"}, {"limit", "0"}}, 400);
  Get("/api/session", {{"id", "nope"}}, 404);
}

TEST_F(DashboardApiTest, ProjectsCarryThePathToShowBesideTheirFolder) {
  auto s = std::make_shared<DashboardSnapshot>(*snapshot_);
  s->projects = std::make_shared<const ProjectNames>(
      std::vector<ProjectCwd>{{"pa", "/home/ann/alpha", 1, 0}}, "/home/ann");
  snapshot_ = s;
  auto b = Get("/api/breakdown", {{"by", "project"}, {"sort", "name"}, {"order", "asc"}});
  auto rows = b["rows"].get_array().value();
  auto first = *rows.begin();
  EXPECT_EQ(std::string(first["name"].get_string().value()), "pa");
  EXPECT_EQ(std::string(first["projectName"].get_string().value()), "~/alpha");
  // No cwd known: the folder.
  EXPECT_EQ(std::string(rows.at(1)["projectName"].get_string().value()), "pb");
  // The search finds a project by its path.
  b = Get("/api/breakdown", {{"by", "project"}, {"q", "ALPHA"}});
  EXPECT_EQ(b["totalRows"].get_uint64().value(), 1u);
  b = Get("/api/breakdown", {{"by", "session"}, {"q", "alpha"}});
  EXPECT_EQ(b["totalRows"].get_uint64().value(), 1u);
  auto session_row = *b["rows"].get_array().value().begin();
  EXPECT_EQ(std::string(session_row["project"].get_string().value()), "pa");
  EXPECT_EQ(std::string(session_row["projectName"].get_string().value()), "~/alpha");
  auto session = Get("/api/session", {{"id", "s1"}});
  EXPECT_EQ(std::string(session["project"].get_string().value()), "pa");
  EXPECT_EQ(std::string(session["projectName"].get_string().value()), "~/alpha");
}

TEST(DashboardSnapshot, ProjectNamesAreReadAgainOnlyForANewProject) {
  UsageData usage;
  usage.dims.push_back(UsageDim{"pa", "s1", "m", "h"});
  int reads = 0;
  auto read = [&reads]() -> Result<std::vector<ProjectCwd>> {
    ++reads;
    return std::vector<ProjectCwd>{{"pa", "/a", 1, 0}};
  };
  std::shared_ptr<const ProjectNames> names = ProjectNamesFor(usage, nullptr, read);
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(names->Path("pa"), "/a");
  EXPECT_EQ(ProjectNamesFor(usage, names, read), names);
  EXPECT_EQ(reads, 1);
  usage.dims.push_back(UsageDim{"pb", "s2", "m", "h"});
  names = ProjectNamesFor(usage, names, read);
  EXPECT_EQ(reads, 2);
  // A failed read keeps what was known.
  usage.dims.push_back(UsageDim{"pc", "s3", "m", "h"});
  auto failing = []() -> Result<std::vector<ProjectCwd>> {
    return Status::IoError("gone");
  };
  EXPECT_EQ(ProjectNamesFor(usage, names, failing), names);
}

TEST_F(DashboardApiTest, BadParametersNameThemselves) {
  struct Case {
    std::string path;
    std::map<std::string, std::string> params;
    int status;
    std::string says;
  } cases[] = {
      {"/api/series", {{"bucket", "minute"}}, 400, "bucket"},
      {"/api/series", {{"tz", "Mars/Base"}}, 400, "tz"},
      {"/api/series", {{"from", "yesterday"}}, 400, "from"},
      {"/api/series", {{"bucket", "hour"}, {"from", "2024-01-01"}, {"to", "2025-09-10"}}, 400, "buckets"},
      {"/api/series", {{"from", "2025-09-10"}, {"to", "2025-09-01"}}, 400, "to"},
      {"/api/breakdown", {{"by", "color"}}, 400, "by"},
      {"/api/breakdown", {{"limit", "5000"}}, 400, "limit"},
      {"/api/breakdown", {{"order", "up"}}, 400, "order"},
      {"/api/session", {}, 400, "id"},
      {"/api/nothing", {}, 404, "no such API"},
  };
  for (const Case& c : cases) {
    auto e = Get(c.path, c.params, c.status);
    std::string_view error;
    ASSERT_EQ(e["error"].get(error), simdjson::SUCCESS) << body_;
    EXPECT_NE(error.find(c.says), std::string_view::npos) << error;
  }
}

TEST_F(DashboardApiTest, HealthAndMetrics) {
  auto h = Get("/api/health");
  EXPECT_EQ(h["files"]["active"].get_uint64().value(), 0u);
  EXPECT_EQ(h["rejects"]["lines"].get_uint64().value(), 0u);
  EXPECT_TRUE(h["shipping"].is_null());
  EXPECT_TRUE(h["alertDeliveries"].is_null());
  ApiResponse m = api_->Handle(ApiRequest{"/metrics", {}});
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.content_type.find("text/plain"), std::string::npos);
  EXPECT_NE(m.body.find("context_cleaner_events_total{model=\"claude-sonnet-4-20250514\"} 5\n"),
            std::string::npos) << m.body;
  EXPECT_NE(m.body.find("context_cleaner_cost_usd_total{model=\"claude-sonnet-4-20250514\"} 0.1665"),
            std::string::npos) << m.body;
  EXPECT_NE(m.body.find("kind=\"cache_read\"} 150000\n"), std::string::npos);
  ApiResponse z = api_->Handle(ApiRequest{"/healthz", {}});
  EXPECT_EQ(z.status, 200);
  EXPECT_EQ(z.body, "ok\n");
}

// Reloads the snapshot the API serves (after more was written).
#define RELOAD_SNAPSHOT()                                              \
  do {                                                                 \
    auto reloaded = LoadLedgerSnapshot(ledger_->reader(), now_);                \
    ASSERT_TRUE(reloaded.ok()) << reloaded.status().message();         \
    snapshot_ = *reloaded;                                             \
  } while (0)

// Four requests from Claude Code's telemetry (none with a transcript's
// event: each becomes an exact event of its own), three errors.
//   r1 sonnet 100 ms  1,000 out  ours $0.015  Claude Code's $0.02
//   r2 sonnet 200 ms  1,000 in   ours $0.003  Claude Code's $0.003
//   r3 sonnet 900 ms  2,000 out  ours $0.03   Claude Code's $0.03
//   r4 unknown model 50 ms, no tokens: not priced, so not compared
TEST_F(DashboardApiTest, TelemetryOverview) {
  auto none = Get("/api/telemetry");
  EXPECT_TRUE(none["telemetry"].is_null());

  TelemetryBatch t;
  auto request = [&](const char* id, const char* model, int64_t ms,
                     uint64_t in, uint64_t out, double usd) {
    TelemetryRequest r;
    r.key = r.request_id = id;
    r.session_id = "s9";
    r.model = model;
    r.tokens.input = in;
    r.tokens.output = out;
    r.cost_usd = usd;
    r.duration_ms = ms;
    r.event_ms = At("2025-09-10T11:45:00Z");
    t.requests.push_back(r);
  };
  request("r1", kModel, 100, 0, 1000, 0.02);
  request("r2", kModel, 200, 1000, 0, 0.003);
  request("r3", kModel, 900, 0, 2000, 0.03);
  request("r4", "claude-no-such-model", 50, 0, 0, 0);
  for (const char* status : {"429", "529", "429"}) {
    TelemetryError e;
    e.key = std::string("err-") + status + "-" + std::to_string(t.errors.size());
    e.status_code = status;
    e.model = kModel;
    e.event_ms = At("2025-09-10T11:50:00Z");
    t.errors.push_back(e);
  }
  Result<TelemetryStats> stored = ledger_->telemetry().CommitTelemetry(t, "host-a", 2);
  ASSERT_TRUE(stored.ok()) << stored.status().message();
  ASSERT_EQ(stored->events_telemetry_only, 4u);
  RELOAD_SNAPSHOT();

  auto v = Get("/api/telemetry")["telemetry"];
  EXPECT_EQ(v["requests"].get_uint64().value(), 4u);
  EXPECT_EQ(v["events"].get_uint64().value(), 9u);
  EXPECT_EQ(v["exactEvents"].get_uint64().value(), 4u);
  EXPECT_EQ(v["lowerBoundEvents"].get_uint64().value(), 5u);
  // Per model, by name; p50 and p95 are the nearest ranks.
  auto latency = v["latency"].get_array().value();
  ASSERT_EQ(latency.size(), 2u);
  EXPECT_EQ(std::string(latency.at(0)["model"].get_string().value()),
            "claude-no-such-model");
  EXPECT_EQ(Num(latency.at(0)["p50Ms"]), 50);
  EXPECT_EQ(std::string(latency.at(1)["model"].get_string().value()), kModel);
  EXPECT_EQ(latency.at(1)["requests"].get_uint64().value(), 3u);
  EXPECT_EQ(Num(latency.at(1)["p50Ms"]), 200);
  EXPECT_EQ(Num(latency.at(1)["p95Ms"]), 900);
  auto errors = v["errorsByStatus"].get_array().value();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(std::string(errors.at(0)["status"].get_string().value()), "429");
  EXPECT_EQ(errors.at(0)["errors"].get_uint64().value(), 2u);
  EXPECT_EQ(std::string(errors.at(1)["status"].get_string().value()), "529");
  EXPECT_EQ(errors.at(1)["errors"].get_uint64().value(), 1u);
  EXPECT_EQ(v["costs"]["requests"].get_uint64().value(), 3u);
  EXPECT_NEAR(Num(v["costs"]["claudeCodeUSD"]), 0.053, 1e-12);
  EXPECT_DOUBLE_EQ(Num(v["costs"]["oursUSD"]), 0.048);
}

// The alerts' deliveries: counts, the next try and the last error (stored
// redacted by the channel; served as stored, valid JSON whatever it holds).
TEST_F(DashboardApiTest, HealthShowsAlertDeliveries) {
  auto changed = std::make_shared<DashboardSnapshot>(*snapshot_);
  AlertDeliveryHealth a;
  a.pending = 2;
  a.failing = 1;
  a.given_up = 1;
  a.delivered = 3;
  a.next_attempt_ms = 1'757'000'000'000;
  a.last_error = "webhook https://hooks.slack.com/[redacted] answered HTTP 500: \x1b\"";
  a.last_error_channel = "webhook";
  a.last_error_alert = "threshold:daily:2025-09-10T00:00:00:80";
  changed->alert_deliveries = a;
  snapshot_ = changed;
  auto h = Get("/api/health");
  auto d = h["alertDeliveries"];
  EXPECT_EQ(d["pending"].get_uint64().value(), 2u);
  EXPECT_EQ(d["failing"].get_uint64().value(), 1u);
  EXPECT_EQ(d["givenUp"].get_uint64().value(), 1u);
  EXPECT_EQ(d["delivered"].get_uint64().value(), 3u);
  EXPECT_EQ(d["nextAttemptAt"].get_string().value(), "2025-09-04T15:33:20.000Z");
  EXPECT_EQ(d["lastError"]["channel"].get_string().value(), "webhook");
  EXPECT_EQ(d["lastError"]["alert"].get_string().value(),
            "threshold:daily:2025-09-10T00:00:00:80");
  EXPECT_EQ(d["lastError"]["error"].get_string().value(), a.last_error);
}

// Sync health: files, rejects by reason, and whether a monitor still runs
// (a heartbeat within 30 s) or stopped without finishing its run.
TEST_F(DashboardApiTest, HealthSaysWhatTheLastRunIsDoing) {
  auto h = Get("/api/health");
  EXPECT_TRUE(h["lastRun"].is_null());

  // A transcript of 500 bytes, read to 300: 200 bytes behind.
  Batch b;
  Checkpoint c;
  c.path = dir_.Join("f.jsonl");
  {
    std::ofstream f(c.path);
    f << std::string(500, 'x');
  }
  Result<FileIdentity> id = StatPath(c.path);
  ASSERT_TRUE(id.ok());
  c.root = dir_.path();
  c.project = "p";
  c.identity = *id;
  // Read when the file had 300 bytes: the 200 after came since. (Had the
  // visit seen all 500 and stopped at 300, they would be an unfinished
  // line: no lag.)
  c.identity.size_bytes = 300;
  c.offset = 300;
  b.checkpoints.push_back(c);
  b.rejects.push_back(Reject{c.path, 100, 10, "invalid JSON", "{", 2});
  b.rejects.push_back(Reject{c.path, 200, 10, "no timestamp", "{", 1});
  ASSERT_TRUE(ledger_->Commit(b, "host-a", 2).ok());
  Result<int64_t> run = ledger_->BeginRun("watch", "host-a", now_ - 60'000);
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(ledger_->Heartbeat(*run, RunCounters{}, now_ - 10'000,
                                 now_ - 20'000).ok());
  RELOAD_SNAPSHOT();
  h = Get("/api/health");
  EXPECT_EQ(h["files"]["active"].get_uint64().value(), 1u);
  EXPECT_EQ(h["rejects"]["lines"].get_uint64().value(), 3u);
  auto reasons = h["rejects"]["byReason"].get_array().value();
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(std::string(reasons.at(0)["reason"].get_string().value()), "invalid JSON");
  EXPECT_EQ(reasons.at(0)["lines"].get_uint64().value(), 2u);
  auto r = h["lastRun"];
  EXPECT_TRUE(r["running"].get_bool().value());
  EXPECT_EQ(std::string(r["mode"].get_string().value()), "watch");
  EXPECT_EQ(std::string(r["result"].get_string().value()), "running");
  EXPECT_EQ(std::string(r["heartbeatAt"].get_string().value()),
            "2025-09-10T11:59:50.000Z");
  EXPECT_EQ(std::string(r["lastSyncAt"].get_string().value()),
            "2025-09-10T11:59:40.000Z");
  EXPECT_EQ(r["secondsSinceLastSync"].get_int64().value(), 20);
  // Bytes wait since the last pass.
  EXPECT_EQ(h["backlog"]["unreadBytes"].get_uint64().value(), 200u);
  EXPECT_EQ(h["backlog"]["filesBehind"].get_uint64().value(), 1u);
  EXPECT_EQ(h["backlog"]["lagMs"].get_int64().value(), 20'000);
  EXPECT_EQ(h["backlog"]["unfinishedBytes"].get_uint64().value(), 0u);

  // 40 s later with no heartbeat: the monitor died without finishing.
  now_ += 40'000;
  r = Get("/api/health")["lastRun"];
  EXPECT_FALSE(r["running"].get_bool().value());
  EXPECT_EQ(std::string(r["result"].get_string().value()), "stopped");
  EXPECT_EQ(r["secondsSinceLastSync"].get_int64().value(), 60);
}

// A model with no price (claude-nimbus-7: 1,000 output tokens on
// 2025-09-10 11:00, session s5, project pa) costs nothing in the sums and
// is counted, and named, wherever it is left out: each period, all time,
// each bucket of its series, its breakdown rows.
TEST_F(DashboardApiTest, AnUnpricedModelIsCountedAndNamedWhereItIsLeftOut) {
  Tokens t;
  t.output = 1000;
  Event e = MakeEvent("e6", "2025-09-10T11:00:00Z", "s5", "pa", t);
  e.attributes.model = "claude-nimbus-7";
  Batch b;
  b.events = {e};
  ASSERT_TRUE(ledger_->Commit(b, "host-a", 2).ok());
  RELOAD_SNAPSHOT();

  auto o = Get("/api/overview", {{"tz", "UTC"}});
  // The costs are those without it (OverviewHasEachPeriodAndTheOneBefore).
  const std::pair<const char*, double> periods[] = {
      {"today", 0.1155}, {"week", 0.1215}, {"month", 0.1365}};
  for (const auto& [period, cost] : periods) {
    auto current = o[period]["current"];
    EXPECT_DOUBLE_EQ(Num(current["costUSD"]), cost) << period;
    EXPECT_EQ(current["unpricedEvents"].get_uint64().value(), 1u) << period;
    auto models = o[period]["unpricedModels"].get_array().value();
    ASSERT_EQ(models.size(), 1u) << period;
    EXPECT_EQ(std::string(models.at(0).get_string().value()),
              "claude-nimbus-7");
  }
  EXPECT_EQ(o["today"]["current"]["events"].get_uint64().value(), 3u);
  // Yesterday (e3) was all priced.
  EXPECT_EQ(o["today"]["previous"]["unpricedEvents"].get_uint64().value(), 0u);
  EXPECT_EQ(o["allTime"]["unpricedEvents"].get_uint64().value(), 1u);
  EXPECT_DOUBLE_EQ(Num(o["allTime"]["costUSD"]), 0.1665);
  auto all = o["unpricedModels"].get_array().value();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(std::string(all.at(0).get_string().value()), "claude-nimbus-7");

  // By day from 2025-09-08: Sonnet first (the most costly), then nimbus,
  // whose one request is in the last bucket and has no cost.
  auto s = Get("/api/series", {{"bucket", "day"},
                               {"from", "2025-09-08"},
                               {"to", "2025-09-10"},
                               {"tz", "UTC"}});
  auto models = s["models"].get_array().value();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(std::string(models.at(1)["model"].get_string().value()),
            "claude-nimbus-7");
  auto unpriced = models.at(1)["unpricedEvents"].get_array().value();
  ASSERT_EQ(unpriced.size(), 3u);
  EXPECT_EQ(unpriced.at(0).get_uint64().value(), 0u);
  EXPECT_EQ(unpriced.at(2).get_uint64().value(), 1u);
  EXPECT_DOUBLE_EQ(Num(models.at(1)["costUSD"].get_array().at(2)), 0);
  EXPECT_EQ(models.at(1)["events"].get_array().at(2).get_uint64().value(), 1u);
  // Held in a variable: a range-for over `.value()` of a temporary result
  // would read it after it is gone.
  simdjson::dom::array priced = models.at(0)["unpricedEvents"].get_array().value();
  for (auto n : priced) EXPECT_EQ(n.get_uint64().value(), 0u);

  auto by_model =
      Get("/api/breakdown", {{"by", "model"}})["rows"].get_array().value();
  ASSERT_EQ(by_model.size(), 2u);
  EXPECT_EQ(std::string(by_model.at(1)["name"].get_string().value()),
            "claude-nimbus-7");
  EXPECT_EQ(by_model.at(1)["totals"]["unpricedEvents"].get_uint64().value(),
            1u);
  EXPECT_EQ(by_model.at(1)["totals"]["events"].get_uint64().value(), 1u);
  EXPECT_DOUBLE_EQ(Num(by_model.at(1)["totals"]["costUSD"]), 0);
  auto pa =
      Get("/api/breakdown", {{"by", "project"}})["rows"].get_array().at(0);
  EXPECT_EQ(std::string(pa["name"].get_string().value()), "pa");
  EXPECT_EQ(pa["totals"]["events"].get_uint64().value(), 3u);
  EXPECT_EQ(pa["totals"]["unpricedEvents"].get_uint64().value(), 1u);
  EXPECT_DOUBLE_EQ(Num(pa["totals"]["costUSD"]), 0.1155);
}

// Prometheus' text format is UTF-8 with \\, \" and \n escaped in a label.
TEST_F(DashboardApiTest, MetricsLabelsAreValidUtf8WhateverTheModelName) {
  Tokens t;
  t.input = 1;
  Event e = MakeEvent("e6", "2025-09-10T11:00:00Z", "s9", "pz", t);
  e.attributes.model = "m\xff\"q\nx\xE6\x97";
  Batch b;
  b.events = {e};
  ASSERT_TRUE(ledger_->Commit(b, "host-a", 2).ok());
  RELOAD_SNAPSHOT();
  ApiResponse m = api_->Handle(ApiRequest{"/metrics", {}});
  EXPECT_NE(m.body.find("context_cleaner_events_total{model=\"m\xEF\xBF\xBD\\\"q\\nx"
                        "\xEF\xBF\xBD\xEF\xBF\xBD\"} 1\n"),
            std::string::npos)
      << m.body;
}

// A rejected line is whatever a file held: private text, terminal controls,
// bytes that are not UTF-8. The API says where it is and why, never what.
TEST_F(DashboardApiTest, HealthServesWhereARejectIsNeverItsBytes) {
  const std::string path = dir_.Join("p-\x1b[2J\xff-\xC2\x9B.jsonl");
  Batch b;
  b.rejects.push_back(Reject{path, 100, 4096, "not a JSON object",
                             "{\"secret\":\"sk-\x1b]52;c;eA==\x07\xE6\x97", 1});
  ASSERT_TRUE(ledger_->Commit(b, "host-a", 2).ok());
  RELOAD_SNAPSHOT();
  auto h = Get("/api/health");  // Parsed by simdjson: valid UTF-8 JSON.
  EXPECT_EQ(body_.find("secret"), std::string::npos) << body_;
  EXPECT_EQ(body_.find("52;c;"), std::string::npos) << body_;
  EXPECT_EQ(body_.find('\x1b'), std::string::npos) << body_;
  auto recent = h["rejects"]["recent"].get_array().value();
  ASSERT_EQ(recent.size(), 1u);
  simdjson::dom::object r = recent.at(0).get_object().value();
  std::vector<std::string> keys;
  for (auto field : r) keys.emplace_back(field.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"file", "offset", "length",
                                            "reason", "lines"}));
  EXPECT_EQ(r["offset"].get_uint64().value(), 100u);
  EXPECT_EQ(r["length"].get_uint64().value(), 4096u);
  // The path as valid text: controls escaped, the stray byte U+FFFD.
  EXPECT_EQ(std::string(r["file"].get_string().value()),
            dir_.Join("p-\x1b[2J\xEF\xBF\xBD-\xC2\x9B.jsonl"));
}

// Without readings: both gauges null, no /api/limits windows, no metric.
TEST_F(DashboardApiTest, NoOfficialLimitsWithoutReadings) {
  auto o = Get("/api/overview", {{"tz", "UTC"}});
  EXPECT_TRUE(o["officialLimits"]["fiveHour"].is_null());
  EXPECT_TRUE(o["officialLimits"]["sevenDay"].is_null());
  auto l = Get("/api/limits");
  EXPECT_EQ(l["windows"].get_array().size(), 0u);
  ApiResponse m = api_->Handle(ApiRequest{"/metrics", {}});
  EXPECT_EQ(m.body.find("official_limit"), std::string::npos);
}

// Readings of the 5-hour window 08:00-13:00 (10 %, then 20 %) and of the
// 7-day window 2025-09-07 to 2025-09-14 (30 %). The 5-hour window holds
// e1 and e2: 163,000 tokens, $0.1155, so 1 % = 8,150 tokens, $0.005775.
// The 7-day one e1, e2, e3: 165,000 tokens, $0.1215; 1 % = 5,500 tokens,
// $0.00405.
TEST_F(DashboardApiTest, OfficialLimitsGaugesHistoryAndMetrics) {
  const int64_t five_reset = At("2025-09-10T13:00:00Z") / 1000;
  const int64_t seven_reset = At("2025-09-14T00:00:00Z") / 1000;
  RateLimitReading r;
  r.source = "host-a";
  r.seen_ms = now_ - 3'600'000;
  r.five_hour_pct = 10;
  r.five_hour_resets_at = five_reset;
  r.seven_day_pct = 30;
  r.seven_day_resets_at = seven_reset;
  ASSERT_TRUE(*ledger_->RecordRateLimits(r));
  r.seen_ms = now_ - 1'800'000;
  r.five_hour_pct = 20;
  ASSERT_TRUE(*ledger_->RecordRateLimits(r));
  RELOAD_SNAPSHOT();

  auto o = Get("/api/overview", {{"tz", "UTC"}});
  auto five = o["officialLimits"]["fiveHour"];
  EXPECT_DOUBLE_EQ(Num(five["usedPercentage"]), 20);
  EXPECT_EQ(std::string(five["resetsAt"].get_string().value()), "2025-09-10T13:00:00.000Z");
  EXPECT_EQ(std::string(five["seenAt"].get_string().value()), "2025-09-10T11:30:00.000Z");
  EXPECT_DOUBLE_EQ(Num(o["officialLimits"]["sevenDay"]["usedPercentage"]), 30);

  auto l = Get("/api/limits");
  auto windows = l["windows"].get_array();
  ASSERT_EQ(windows.size(), 2u);
  auto seven = windows.at(0);
  EXPECT_EQ(std::string(seven["window"].get_string().value()), "seven_day");
  EXPECT_EQ(seven["totalTokens"].get_uint64().value(), 165'000u);
  EXPECT_DOUBLE_EQ(Num(seven["costUSD"]), 0.1215);
  EXPECT_DOUBLE_EQ(Num(seven["tokensPerPercent"]), 5500);
  EXPECT_NEAR(Num(seven["costUSDPerPercent"]), 0.00405, 1e-12);
  auto f = windows.at(1);
  EXPECT_EQ(std::string(f["window"].get_string().value()), "five_hour");
  EXPECT_TRUE(f["isActive"].get_bool().value());
  EXPECT_DOUBLE_EQ(Num(f["peakPercentage"]), 20);
  EXPECT_EQ(f["readings"].get_uint64().value(), 2u);
  EXPECT_EQ(f["totalTokens"].get_uint64().value(), 163'000u);
  EXPECT_DOUBLE_EQ(Num(f["tokensPerPercent"]), 8150);
  EXPECT_NEAR(Num(f["costUSDPerPercent"]), 0.005775, 1e-12);

  ApiResponse m = api_->Handle(ApiRequest{"/metrics", {}});
  EXPECT_NE(m.body.find("context_cleaner_official_limit_used_percent{window=\"five_hour\"} 20\n"),
            std::string::npos) << m.body;
  EXPECT_NE(m.body.find("context_cleaner_official_limit_used_percent{window=\"seven_day\"} 30\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("context_cleaner_official_limit_resets_at_seconds{window=\"five_hour\"} " +
                        std::to_string(five_reset) + "\n"),
            std::string::npos);
  EXPECT_NE(m.body.find("# TYPE context_cleaner_official_limit_resets_at_seconds gauge\n"),
            std::string::npos);
}

}  // namespace
}  // namespace cc
