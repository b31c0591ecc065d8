// Reports from hand-built rollup rows, against hand-computed expectations.
#include "report/usage_report.h"

#include <gtest/gtest.h>

#include "core/civil_time.h"
#include "price/price_table.h"
#include "report/report_render.h"

namespace cc {
namespace {

int64_t Ms(const char* iso) { return *ParseIsoTimestampMs(iso); }

// One event of `tokens` output tokens costing `cost_nano`, as the rollup
// holds it (a row per quarter hour), with its dimension.
struct Row {
  UsageRow row;
  UsageDim dim;
};

UsageData Data(const std::vector<Row>& rows) {
  UsageData d;
  for (const Row& r : rows) {
    d.rows.push_back(r.row);
    d.rows.back().dim = static_cast<uint32_t>(d.dims.size());
    d.dims.push_back(r.dim);
  }
  return d;
}

Row Event(const char* iso, uint64_t output, const std::string& model = "m",
          const std::string& session = "s1", int64_t cost_nano = 0) {
  Row out;
  out.dim = UsageDim{"proj", session, model, "host"};
  UsageRow& r = out.row;
  const int64_t ms = Ms(iso);
  r.bucket_start_ms = ms / (15 * 60 * 1000) * (15 * 60 * 1000);
  r.events = 1;
  r.tokens.output = output;
  r.cost_nano = cost_nano;
  r.first_ms = ms;
  r.last_ms = ms;
  return out;
}

TimeZone Zone(const char* name) {
  Result<TimeZone> z = TimeZone::Load(name);
  EXPECT_TRUE(z.ok()) << z.status().message();
  return z.ok() ? *z : TimeZone::Utc();
}

UsageReport Daily(const std::vector<Row>& rows, const char* zone) {
  ReportSpec spec;
  spec.kind = ReportKind::kDaily;
  spec.zone = Zone(zone);
  return BuildReport(Data(rows), spec);
}

TEST(UsageReport, AnEventLateInTheUtcDayBelongsToTheLocalDay) {
  std::vector<Row> rows = {Event("2025-09-02T23:30:00Z", 5)};
  UsageReport tokyo = Daily(rows, "Asia/Tokyo");  // 08:30 on the 3rd.
  ASSERT_EQ(tokyo.rows.size(), 1u);
  EXPECT_EQ(tokyo.rows[0].label, "2025-09-03");
  UsageReport la = Daily(rows, "America/Los_Angeles");  // 16:30 on the 2nd.
  ASSERT_EQ(la.rows.size(), 1u);
  EXPECT_EQ(la.rows[0].label, "2025-09-02");
  EXPECT_EQ(Daily(rows, "UTC").rows[0].label, "2025-09-02");
}

TEST(UsageReport, DaylightSavingDaysHave23And25HoursAndLoseNothing) {
  // One event at the start of every UTC hour from 2025-03-08 to 03-11 and
  // from 2025-11-01 to 11-04 (New York's changes: 03-09 and 11-02).
  std::vector<Row> rows;
  for (const char* first : {"2025-03-08T00:00:00Z", "2025-11-01T00:00:00Z"}) {
    for (int h = 0; h < 96; ++h) {
      rows.push_back(Event(first, 1));
      UsageRow& r = rows.back().row;
      r.first_ms += h * 3'600'000LL;
      r.last_ms = r.first_ms;
      r.bucket_start_ms = r.first_ms;
    }
  }
  UsageReport ny = Daily(rows, "America/New_York");
  std::map<std::string, uint64_t> by_day;
  uint64_t total = 0;
  for (const ReportRow& r : ny.rows) {
    by_day[r.label] = r.totals.events;
    total += r.totals.events;
  }
  EXPECT_EQ(by_day["2025-03-09"], 23u);
  EXPECT_EQ(by_day["2025-03-10"], 24u);
  EXPECT_EQ(by_day["2025-11-02"], 25u);
  EXPECT_EQ(by_day["2025-11-03"], 24u);
  EXPECT_EQ(total, 192u);
  EXPECT_EQ(ny.totals.events, 192u);
}

TEST(UsageReport, WeeksStartOnTheChosenDayAndMonthsAreCalendarMonths) {
  // 2025-09-06 is a Saturday, 09-07 a Sunday, 09-08 a Monday.
  std::vector<Row> rows = {Event("2025-09-06T12:00:00Z", 1),
                                Event("2025-09-07T12:00:00Z", 2),
                                Event("2025-09-08T12:00:00Z", 4),
                                Event("2025-10-01T12:00:00Z", 8)};
  ReportSpec spec;
  spec.kind = ReportKind::kWeekly;
  UsageReport sunday = BuildReport(Data(rows), spec);
  ASSERT_EQ(sunday.rows.size(), 3u);
  EXPECT_EQ(sunday.rows[0].label, "2025-08-31");
  EXPECT_EQ(sunday.rows[0].totals.tokens.output, 1u);
  EXPECT_EQ(sunday.rows[1].label, "2025-09-07");
  EXPECT_EQ(sunday.rows[1].totals.tokens.output, 6u);
  spec.start_of_week = 1;  // Monday.
  UsageReport monday = BuildReport(Data(rows), spec);
  ASSERT_EQ(monday.rows.size(), 3u);
  EXPECT_EQ(monday.rows[0].label, "2025-09-01");
  EXPECT_EQ(monday.rows[0].totals.tokens.output, 3u);
  EXPECT_EQ(monday.rows[1].label, "2025-09-08");
  spec.kind = ReportKind::kMonthly;
  UsageReport months = BuildReport(Data(rows), spec);
  ASSERT_EQ(months.rows.size(), 2u);
  EXPECT_EQ(months.rows[0].label, "2025-09");
  EXPECT_EQ(months.rows[0].totals.tokens.output, 7u);
  EXPECT_EQ(months.rows[1].label, "2025-10");
}

TEST(UsageReport, SessionsCarryTheirSpanModelsAndCost) {
  std::vector<Row> rows = {
      Event("2025-09-03T10:00:00Z", 10, "claude-a", "s1", 100),
      Event("2025-09-03T11:40:00Z", 20, "claude-b", "s1", 200),
      Event("2025-09-02T09:00:00Z", 5, "claude-a", "s2", 50)};
  ReportSpec spec;
  spec.kind = ReportKind::kSession;
  UsageReport r = BuildReport(Data(rows), spec);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].label, "s2");  // Least recent first.
  const ReportRow& s1 = r.rows[1];
  EXPECT_EQ(s1.label, "s1");
  EXPECT_EQ(s1.project, "proj");
  EXPECT_EQ(s1.first_ms, Ms("2025-09-03T10:00:00Z"));
  EXPECT_EQ(s1.last_ms, Ms("2025-09-03T11:40:00Z"));
  EXPECT_EQ(s1.totals.cost_nano, 300);
  EXPECT_EQ(s1.by_model.size(), 2u);
  EXPECT_EQ(r.totals.cost_nano, 350);
}

// JSON without the layout's blanks (none of these tests' strings has one).
std::string Compact(const std::string& json) {
  std::string out;
  for (char c : json) {
    if (c != ' ' && c != '\n') out.push_back(c);
  }
  return out;
}

Row InProject(Row r, const std::string& project) {
  r.dim.project = project;
  return r;
}

// Two projects named "api" in different parents, and one other.
ProjectNames ApiProjects() {
  return ProjectNames({{"-home-ann-a-api", "/home/ann/a/api", 1, 0},
                       {"-home-ann-b-api", "/home/ann/b/api", 1, 0},
                       {"-home-ann-web", "/home/ann/web", 1, 0}},
                      "/home/ann");
}

TEST(UsageReport, InstancesGroupDaysByProjectInCcusagesShape) {
  std::vector<Row> rows = {
      InProject(Event("2025-09-04T10:00:00Z", 1), "-home-ann-web"),
      InProject(Event("2025-09-03T10:00:00Z", 2), "-home-ann-web"),
      InProject(Event("2025-09-03T11:00:00Z", 4), "-home-ann-a-api"),
      InProject(Event("2025-09-04T11:00:00Z", 8), "-home-ann-a-api")};
  ReportSpec spec;
  spec.kind = ReportKind::kDaily;
  spec.by_project = true;
  spec.descending = true;  // Newest first within each project.
  UsageReport r = BuildReport(Data(rows), spec);
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].project, "-home-ann-a-api");
  EXPECT_EQ(r.rows[0].label, "2025-09-04");
  EXPECT_EQ(r.rows[1].label, "2025-09-03");
  EXPECT_EQ(r.rows[2].project, "-home-ann-web");
  EXPECT_EQ(r.rows[2].totals.tokens.output, 1u);
  EXPECT_EQ(r.totals.tokens.output, 15u);
  const ProjectNames names = ApiProjects();
  RenderOptions opt;
  opt.projects = &names;
  const std::string json = Compact(ReportJson(r, opt));
  EXPECT_EQ(json.find("\"daily\""), std::string::npos) << json;
  EXPECT_NE(json.find("{\"projects\":{\"-home-ann-a-api\":[{\"date\":\"2025-09-04\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"projectNames\":{\"-home-ann-a-api\":\"~/a/api\","
                      "\"-home-ann-web\":\"~/web\"}"),
            std::string::npos)
      << json;
  opt.width = 200;
  const std::string table = ReportTable(r, opt);
  EXPECT_NE(table.find("Project: ~/a/api"), std::string::npos) << table;
  EXPECT_NE(table.find("Project: ~/web"), std::string::npos) << table;
  EXPECT_EQ(table.find("-home-ann"), std::string::npos) << table;
}

TEST(UsageReport, NarrowTablesShowTheLastComponentUnlessTwoProjectsShareIt) {
  std::vector<Row> rows = {
      InProject(Event("2025-09-03T10:00:00Z", 1, "m", "s1"), "-home-ann-a-api"),
      InProject(Event("2025-09-03T11:00:00Z", 1, "m", "s2"), "-home-ann-b-api"),
      InProject(Event("2025-09-03T12:00:00Z", 1, "m", "s3"), "-home-ann-web")};
  ReportSpec spec;
  spec.kind = ReportKind::kSession;
  UsageReport r = BuildReport(Data(rows), spec);
  const ProjectNames names = ApiProjects();
  RenderOptions opt;
  opt.projects = &names;
  opt.width = 200;
  std::string table = ReportTable(r, opt);
  EXPECT_NE(table.find("~/web "), std::string::npos) << table;
  opt.width = kFullProjectPathWidth - 1;
  table = ReportTable(r, opt);
  EXPECT_NE(table.find(" web "), std::string::npos) << table;
  EXPECT_EQ(table.find("~/web"), std::string::npos) << table;
  EXPECT_NE(table.find("~/a/api"), std::string::npos) << table;  // Not "api".
  EXPECT_NE(table.find("~/b/api"), std::string::npos) << table;
  // JSON keeps the folder (ccusage's projectPath) and adds the name.
  const std::string json = Compact(ReportJson(r, opt));
  EXPECT_NE(json.find("\"projectPath\":\"-home-ann-web\",\"projectName\":\"~/web\""),
            std::string::npos)
      << json;
}

ReportSpec BlockSpec(const char* now) {
  ReportSpec spec;
  spec.kind = ReportKind::kBlocks;
  spec.now_ms = Ms(now);
  return spec;
}

TEST(UsageReport, BlocksStartOnTheHourAndSplitOnEndAndSilence) {
  std::vector<Row> rows = {
      Event("2025-09-03T21:47:00Z", 1),  // Block 21:00-02:00, over midnight.
      Event("2025-09-04T01:59:00Z", 2),  // Still in it.
      Event("2025-09-04T02:00:00Z", 4),  // At its end: the next, 02:00.
      Event("2025-09-04T03:10:00Z", 8),
      Event("2025-09-04T08:11:00Z", 16),  // 5 h 01 m of silence: a gap.
  };
  UsageReport r = BuildReport(Data(rows), BlockSpec("2025-09-10T00:00:00Z"));
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].label, "2025-09-03T21:00:00.000Z");
  EXPECT_EQ(r.rows[0].end_ms, Ms("2025-09-04T02:00:00Z"));
  EXPECT_EQ(r.rows[0].totals.tokens.output, 3u);
  EXPECT_EQ(r.rows[1].label, "2025-09-04T02:00:00.000Z");
  EXPECT_EQ(r.rows[1].totals.tokens.output, 12u);
  EXPECT_TRUE(r.rows[2].is_gap);
  EXPECT_EQ(r.rows[2].start_ms, Ms("2025-09-04T08:10:00Z"));  // Last + 5 h.
  EXPECT_EQ(r.rows[2].end_ms, Ms("2025-09-04T08:11:00Z"));
  EXPECT_EQ(r.rows[3].label, "2025-09-04T08:00:00.000Z");
  EXPECT_EQ(r.rows[3].totals.tokens.output, 16u);
  for (const ReportRow& b : r.rows) EXPECT_FALSE(b.is_active);
  EXPECT_FALSE(r.burn_rate.has_value());
}

TEST(UsageReport, TheActiveBlockHasABurnRateAndAProjection) {
  // 60,000 tokens over 30 minutes, $0.50: 2,000 tokens/min, $1/hour.
  std::vector<Row> rows = {
      Event("2025-09-03T10:05:00Z", 20'000, "m", "s1", kNanoPerDollar / 4),
      Event("2025-09-03T10:35:00Z", 40'000, "m", "s1", kNanoPerDollar / 4)};

  UsageReport r = BuildReport(Data(rows), BlockSpec("2025-09-03T11:00:00Z"));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_TRUE(r.rows[0].is_active);
  ASSERT_TRUE(r.burn_rate.has_value());
  EXPECT_DOUBLE_EQ(r.burn_rate->tokens_per_minute, 2000.0);
  EXPECT_DOUBLE_EQ(r.burn_rate->cost_per_hour, 1.0);
  ASSERT_TRUE(r.projection.has_value());
  // 4 hours left at 2,000/min: 480,000 more tokens; $4 more.
  EXPECT_EQ(r.projection->remaining_minutes, 240);
  EXPECT_EQ(r.projection->total_tokens, 540'000u);
  EXPECT_DOUBLE_EQ(r.projection->total_cost, 4.5);
  // Five hours after the last request it is no longer active.
  UsageReport later = BuildReport(Data(rows), BlockSpec("2025-09-03T15:00:00Z"));
  EXPECT_FALSE(later.rows[0].is_active);
}

TEST(UsageReport, BlocksJsonHasCcusageKeys) {
  std::vector<Row> rows = {
      Event("2025-09-03T10:05:00Z", 100, "claude-x", "s1", kNanoPerDollar),
      Event("2025-09-03T10:35:00Z", 100, "claude-x", "s1", kNanoPerDollar)};
  UsageReport r = BuildReport(Data(rows), BlockSpec("2025-09-03T11:00:00Z"));
  RenderOptions opt;
  opt.now_ms = Ms("2025-09-03T11:00:00Z");
  opt.token_limit = 1000;
  std::string json = ReportJson(r, opt);
  for (const char* key :
       {"\"blocks\"", "\"id\": \"2025-09-03T10:00:00.000Z\"", "\"startTime\"",
        "\"endTime\": \"2025-09-03T15:00:00.000Z\"", "\"actualEndTime\"",
        "\"isActive\": true", "\"isGap\": false", "\"entries\": 2",
        "\"tokenCounts\"", "\"cacheCreationInputTokens\"", "\"costUSD\": 2",
        "\"burnRate\"", "\"tokensPerMinuteForIndicator\"", "\"projection\"",
        "\"remainingMinutes\": 240", "\"tokenLimitStatus\"",
        "\"status\": \"exceeds\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json;
  }
}

TEST(UsageReport, UnpricedEventsAreMarkedNotFree) {
  std::vector<Row> rows = {Event("2025-09-03T10:05:00Z", 100, "claude-new")};
  rows[0].row.unpriced_events = 1;
  UsageReport r = Daily(rows, "UTC");
  EXPECT_EQ(r.unpriced_models, std::set<std::string>{"claude-new"});
  RenderOptions opt;
  std::string table = ReportTable(r, opt);
  EXPECT_NE(table.find("$0.00*"), std::string::npos) << table;
  EXPECT_NE(table.find("models without a price: claude-new"), std::string::npos);
  std::string json = ReportJson(r, opt);
  EXPECT_NE(json.find("\"unpricedModels\": [\n    \"claude-new\""),
            std::string::npos)
      << json;
}

TEST(UsageReport, TablesDropColumnsToFitTheWidth) {
  std::vector<Row> rows = {
      Event("2025-09-03T10:05:00Z", 1234567, "claude-sonnet-4-20250514")};
  UsageReport r = Daily(rows, "UTC");
  RenderOptions wide;
  wide.width = 200;
  std::string full = ReportTable(r, wide);
  EXPECT_NE(full.find("Cache read"), std::string::npos);
  EXPECT_NE(full.find("sonnet-4"), std::string::npos);
  EXPECT_NE(full.find("1,234,567"), std::string::npos);
  RenderOptions narrow = wide;
  narrow.width = 60;
  std::string compact = ReportTable(r, narrow);
  EXPECT_EQ(compact.find("Cache read"), std::string::npos);
  for (size_t start = 0, end; start < compact.size(); start = end + 1) {
    end = compact.find('\n', start);
    EXPECT_LE(end - start, 60u) << compact;
  }
  EXPECT_EQ(full.find("\033["), std::string::npos);  // No colour asked.
}

}  // namespace
}  // namespace cc
