// Reports from hand-built rollup rows, against hand-computed expectations.
#include "report/usage_report.h"

#include <gtest/gtest.h>

#include "core/civil_time.h"
#include "price/price_table.h"
#include "report/report_render.h"
#include "report/text_table.h"

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
  // Rows in order of start: the block from 08:00 (the hour of 08:11)
  // before the gap from 08:10, as ccusage lists them.
  EXPECT_EQ(r.rows[2].label, "2025-09-04T08:00:00.000Z");
  EXPECT_EQ(r.rows[2].totals.tokens.output, 16u);
  EXPECT_TRUE(r.rows[3].is_gap);
  EXPECT_EQ(r.rows[3].start_ms, Ms("2025-09-04T08:10:00Z"));  // Last + 5 h.
  EXPECT_EQ(r.rows[3].end_ms, Ms("2025-09-04T08:11:00Z"));
  for (size_t i = 1; i < r.rows.size(); ++i) {
    EXPECT_LE(r.rows[i - 1].start_ms, r.rows[i].start_ms) << i;
  }
  // --order desc: the newest first.
  ReportSpec desc = BlockSpec("2025-09-10T00:00:00Z");
  desc.descending = true;
  UsageReport d = BuildReport(Data(rows), desc);
  ASSERT_EQ(d.rows.size(), 4u);
  EXPECT_TRUE(d.rows[0].is_gap);
  EXPECT_EQ(d.rows[3].label, "2025-09-03T21:00:00.000Z");
  for (const ReportRow& b : r.rows) EXPECT_FALSE(b.is_active);
  EXPECT_FALSE(r.burn_rate.has_value());
}

TEST(UsageReport, TheActiveBlockHasABurnRateAndAProjection) {
  // 60,000 tokens, $0.50, from 10:05; now 10:35: 30 minutes, so 2,000
  // tokens/min and $1/hour.
  std::vector<Row> rows = {
      Event("2025-09-03T10:05:00Z", 20'000, "m", "s1", kNanoPerDollar / 4),
      Event("2025-09-03T10:35:00Z", 40'000, "m", "s1", kNanoPerDollar / 4)};

  UsageReport r = BuildReport(Data(rows), BlockSpec("2025-09-03T10:35:00Z"));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_TRUE(r.rows[0].is_active);
  ASSERT_TRUE(r.burn_rate.has_value());
  EXPECT_DOUBLE_EQ(r.burn_rate->tokens_per_minute, 2000.0);
  EXPECT_DOUBLE_EQ(r.burn_rate->cost_per_hour, 1.0);
  ASSERT_TRUE(r.projection.has_value());
  // 4 h 25 m left at 2,000/min: 530,000 more tokens; $4.4166... more.
  EXPECT_EQ(r.projection->remaining_minutes, 265);
  EXPECT_EQ(r.projection->total_tokens, 590'000u);
  EXPECT_DOUBLE_EQ(r.projection->total_cost, 0.5 + 265.0 / 60.0);
  // A pause counts: at 11:05 the same usage is over 60 minutes.
  UsageReport paused = BuildReport(Data(rows), BlockSpec("2025-09-03T11:05:00Z"));
  ASSERT_TRUE(paused.burn_rate.has_value());
  EXPECT_DOUBLE_EQ(paused.burn_rate->tokens_per_minute, 1000.0);
  EXPECT_DOUBLE_EQ(paused.burn_rate->cost_per_hour, 0.5);
  EXPECT_EQ(paused.projection->total_tokens, 60'000u + 1000u * 235u);
  // Five hours after the last request it is no longer active.
  UsageReport later = BuildReport(Data(rows), BlockSpec("2025-09-03T15:00:00Z"));
  EXPECT_FALSE(later.rows[0].is_active);
}

TEST(UsageReport, EarlyInABlockThereIsNoRateYet) {
  // The case: 6 requests in 16 s. Over 16 s that is a pace of
  // $170/hour; there is no rate or projection until 10 minutes have
  // passed since the first request, then the pace is over those minutes.
  std::vector<Row> rows;
  for (const char* t :
       {"2025-09-03T10:05:00Z", "2025-09-03T10:05:03Z", "2025-09-03T10:05:06Z",
        "2025-09-03T10:05:10Z", "2025-09-03T10:05:13Z", "2025-09-03T10:05:16Z"}) {
    rows.push_back(Event(t, 10'000, "m", "s1", kNanoPerDollar / 8));
  }
  UsageReport early = BuildReport(Data(rows), BlockSpec("2025-09-03T10:05:16Z"));
  ASSERT_EQ(early.rows.size(), 1u);
  EXPECT_TRUE(early.rows[0].is_active);
  EXPECT_FALSE(early.burn_rate.has_value());
  EXPECT_FALSE(early.projection.has_value());
  UsageReport nine = BuildReport(Data(rows), BlockSpec("2025-09-03T10:14:59Z"));
  EXPECT_FALSE(nine.burn_rate.has_value());
  // At 10:15: 60,000 tokens and $0.75 over 10 minutes.
  UsageReport ten = BuildReport(Data(rows), BlockSpec("2025-09-03T10:15:00Z"));
  ASSERT_TRUE(ten.burn_rate.has_value());
  EXPECT_DOUBLE_EQ(ten.burn_rate->tokens_per_minute, 6000.0);
  EXPECT_DOUBLE_EQ(ten.burn_rate->cost_per_hour, 4.5);
  // 285 minutes left: 60,000 + 6,000 * 285 tokens, $0.75 + $4.5 * 4.75.
  EXPECT_EQ(ten.projection->total_tokens, 60'000u + 6'000u * 285u);
  EXPECT_DOUBLE_EQ(ten.projection->total_cost, 0.75 + 4.5 * 285.0 / 60.0);
  // The table says why there is no rate, and the JSON has nulls.
  RenderOptions opt;
  opt.now_ms = Ms("2025-09-03T10:05:16Z");
  opt.token_limit = 100'000;
  const std::string table = ReportTable(early, opt);
  EXPECT_EQ(table.find("/hour"), std::string::npos) << table;
  EXPECT_NE(table.find("Burn rate: not yet"), std::string::npos) << table;
  EXPECT_EQ(table.find("EXCEEDS"), std::string::npos) << table;
  const std::string json = ReportJson(early, opt);
  EXPECT_NE(json.find("\"burnRate\": null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"projection\": null"), std::string::npos) << json;
  EXPECT_EQ(json.find("tokenLimitStatus"), std::string::npos) << json;
}

TEST(UsageReport, RecentAndActiveKeepTheirBlocks) {
  std::vector<Row> rows = {
      Event("2025-09-01T10:00:00Z", 500),  // 4 days before now: not recent.
      Event("2025-09-04T09:00:00Z", 300),  // 2 days: recent, finished.
      Event("2025-09-06T09:50:00Z", 7)};   // The active block.
  ReportSpec spec = BlockSpec("2025-09-06T10:00:00Z");
  UsageReport all = BuildReport(Data(rows), spec);
  EXPECT_EQ(all.largest_block_tokens, 500u);
  spec.recent_only = true;
  UsageReport recent = BuildReport(Data(rows), spec);
  std::vector<std::string> labels;
  for (const ReportRow& b : recent.rows) {
    if (!b.is_gap) labels.push_back(b.label);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"2025-09-04T09:00:00.000Z",
                                               "2025-09-06T09:00:00.000Z"}));
  EXPECT_EQ(recent.largest_block_tokens, 300u);
  spec.recent_only = false;
  spec.active_only = true;
  UsageReport active = BuildReport(Data(rows), spec);
  ASSERT_EQ(active.rows.size(), 1u);
  EXPECT_TRUE(active.rows[0].is_active);
  EXPECT_EQ(active.totals.tokens.output, 7u);
  // --token-limit max still means the largest finished block.
  EXPECT_EQ(active.largest_block_tokens, 500u);
  // No active block: nothing.
  spec.now_ms = Ms("2025-09-07T10:00:00Z");
  EXPECT_TRUE(BuildReport(Data(rows), spec).rows.empty());
}

TEST(UsageReport, SyntheticRequestsCountButAreNotAModel) {
  std::vector<Row> rows = {
      Event("2025-09-03T10:05:00Z", 100, "claude-sonnet-4-20250514"),
      Event("2025-09-03T10:06:00Z", 7, "<synthetic>")};
  UsageReport r = Daily(rows, "UTC");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].totals.events, 2u);
  EXPECT_EQ(r.rows[0].totals.tokens.output, 107u);
  EXPECT_EQ(r.totals.tokens.output, 107u);
  ASSERT_EQ(r.rows[0].by_model.size(), 1u);
  EXPECT_EQ(r.rows[0].by_model.begin()->first, "claude-sonnet-4-20250514");
  RenderOptions opt;
  opt.breakdown = true;
  EXPECT_EQ(ReportTable(r, opt).find("synthetic"), std::string::npos);
  EXPECT_EQ(ReportJson(r, opt).find("synthetic"), std::string::npos);
  UsageReport b = BuildReport(Data(rows), BlockSpec("2025-09-03T11:00:00Z"));
  EXPECT_EQ(b.rows[0].totals.events, 2u);
  EXPECT_EQ(ReportJson(b, opt).find("synthetic"), std::string::npos);
  EXPECT_EQ(ReportTable(b, opt).find("synthetic"), std::string::npos);
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

// Three models a day with large counts, and three sessions of a project.
std::vector<Row> BusyDays() {
  std::vector<Row> rows;
  const char* models[] = {"claude-sonnet-4-20250514", "claude-opus-4-1-20250805",
                          "claude-3-5-haiku-20241022"};
  const char* sessions[] = {"cd613e30-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
                            "ee52bdb6-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
                            "e323ce54-1f2a-4b3c-8d4e-5f6a7b8c9d0e"};
  for (int day = 3; day <= 6; ++day) {
    for (int m = 0; m < 3; ++m) {
      char iso[32];
      std::snprintf(iso, sizeof iso, "2025-09-%02dT%02d:10:00Z", day, 8 + 3 * m);
      Row r = Event(iso, 1'234'567, models[m], sessions[m], 123 * kNanoPerDollar);
      r.row.tokens.input = 3'302'597;
      r.row.tokens.cache_creation = 23'630'684;
      r.row.tokens.cache_read = 1'211'050'600;
      r.dim.project = "~/projects/spotter";
      rows.push_back(r);
    }
  }
  return rows;
}

std::vector<std::string> TableLines(const std::string& text) {
  std::vector<std::string> out;
  for (size_t start = 0, end; start < text.size(); start = end + 1) {
    end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
  }
  return out;
}

// Every line fits; returns the lines.
std::vector<std::string> Fits(const std::string& table, size_t width) {
  std::vector<std::string> lines = TableLines(table);
  for (const std::string& line : lines) {
    EXPECT_LE(DisplayWidth(line), width) << line << "\n" << table;
  }
  return lines;
}

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST(UsageReport, DailyKeepsDatesAndModelsAt80And120Columns) {
  UsageReport r = Daily(BusyDays(), "UTC");
  for (size_t width : {80u, 120u, 1000u}) {
    RenderOptions opt;
    opt.width = width;
    opt.breakdown = width == 80;
    const std::string table = ReportTable(r, opt);
    Fits(table, width);
    for (const char* date : {"2025-09-03", "2025-09-06"}) {
      EXPECT_TRUE(Has(table, date)) << width << "\n" << table;
    }
    for (const char* model : {"sonnet-4", "opus-4-1", "3-5-haiku"}) {
      EXPECT_TRUE(Has(table, model)) << width << "\n" << table;
    }
    EXPECT_TRUE(Has(table, "Models")) << table;
    EXPECT_TRUE(Has(table, "$1476.00")) << table;  // The total cost.
  }
  // Wide: every column, numbers in full, models on one line.
  RenderOptions wide;
  wide.width = 1000;
  const std::string full = ReportTable(r, wide);
  EXPECT_TRUE(Has(full, "2025-09-03  3-5-haiku, opus-4-1, sonnet-4")) << full;
  EXPECT_TRUE(Has(full, "3,633,151,800")) << full;  // Cache read of a day.
  EXPECT_TRUE(Has(full, "Cache create")) << full;
  // 80 columns: the cache columns are still there, their numbers compact.
  RenderOptions narrow;
  narrow.width = 80;
  const std::string at80 = ReportTable(r, narrow);
  EXPECT_TRUE(Has(at80, "3.63B")) << at80;  // Cache read of a day.
  EXPECT_TRUE(Has(at80, "create")) << at80;
}

TEST(UsageReport, SessionsKeepIdProjectAndActivityAt80And120Columns) {
  ReportSpec spec;
  spec.kind = ReportKind::kSession;
  UsageReport r = BuildReport(Data(BusyDays()), spec);
  ASSERT_EQ(r.rows.size(), 3u);
  for (size_t width : {80u, 120u}) {
    RenderOptions opt;
    opt.width = width;
    const std::string table = ReportTable(r, opt);
    const std::vector<std::string> lines = Fits(table, width);
    // Each session's row names it (by its prefix) and its project.
    for (const char* id : {"cd613e30", "ee52bdb6", "e323ce54"}) {
      bool found = false;
      for (const std::string& line : lines) {
        if (Has(line, id) && Has(line, "~/projects/spotter")) found = true;
      }
      EXPECT_TRUE(found) << id << " at " << width << "\n" << table;
    }
    EXPECT_TRUE(Has(table, "Last activity") || Has(table, "Last")) << table;
    EXPECT_TRUE(Has(table, "2025-09-06 08:10")) << table;  // cd613e30's last.
  }
  // 120: first activity too.
  RenderOptions at120;
  at120.width = 120;
  const std::string t120 = ReportTable(r, at120);
  EXPECT_TRUE(Has(t120, "First activity")) << t120;
  EXPECT_TRUE(Has(t120, "2025-09-03 08:10  2025-09-06 08:10")) << t120;
  // Wide: the whole id.
  RenderOptions wide;
  wide.width = 1000;
  const std::string full = ReportTable(r, wide);
  EXPECT_TRUE(Has(full, "cd613e30-1f2a-4b3c-8d4e-5f6a7b8c9d0e  ~/projects/spotter"))
      << full;
  EXPECT_TRUE(Has(full, "First activity    Last activity")) << full;
  // The JSON has both.
  const std::string json = ReportJson(r, wide);
  EXPECT_TRUE(Has(json, "\"firstActivity\": \"2025-09-03T08:10:00.000Z\"")) << json;
  EXPECT_TRUE(Has(json, "\"lastActivity\": \"2025-09-06T08:10:00.000Z\"")) << json;
}

TEST(UsageReport, BlocksBreakdownHasALinePerModel) {
  std::vector<Row> rows = {
      Event("2025-09-03T10:05:00Z", 100, "claude-sonnet-4-20250514", "s1",
            kNanoPerDollar),
      Event("2025-09-03T10:35:00Z", 50, "claude-opus-4-1-20250805", "s1",
            3 * kNanoPerDollar),
      Event("2025-09-03T10:40:00Z", 10, "claude-sonnet-4-20250514", "s1",
            kNanoPerDollar)};
  UsageReport r = BuildReport(Data(rows), BlockSpec("2025-09-04T00:00:00Z"));
  RenderOptions opt;
  opt.width = 1000;
  const std::string plain = ReportTable(r, opt);
  EXPECT_FALSE(Has(plain, "- sonnet-4")) << plain;
  opt.breakdown = true;
  const std::vector<std::string> lines = TableLines(ReportTable(r, opt));
  ASSERT_GE(lines.size(), 5u);
  // Header, rule, the block, then its models (alphabetical), with their
  // requests, tokens and cost.
  EXPECT_TRUE(Has(lines[2], "2025-09-03 10:00")) << lines[2];
  EXPECT_TRUE(Has(lines[2], "$5.00")) << lines[2];
  EXPECT_TRUE(Has(lines[3], "- opus-4-1")) << lines[3];
  EXPECT_TRUE(Has(lines[3], " 1      50       $3.00")) << lines[3];
  EXPECT_TRUE(Has(lines[4], "- sonnet-4")) << lines[4];
  EXPECT_TRUE(Has(lines[4], " 2     110       $2.00")) << lines[4];
  // The JSON's blocks carry modelBreakdowns, the dearest first.
  const std::string json = ReportJson(r, opt);
  const size_t opus = json.find("\"modelName\": \"claude-opus-4-1-20250805\"");
  const size_t sonnet = json.find("\"modelName\": \"claude-sonnet-4-20250514\"");
  ASSERT_NE(opus, std::string::npos) << json;
  ASSERT_NE(sonnet, std::string::npos) << json;
  EXPECT_LT(opus, sonnet);
}

TEST(UsageReport, NotesWrapAtWordsToTheWidth) {
  std::vector<Row> rows = {Event("2025-09-03T10:05:00Z", 100, "claude-new-model")};
  rows[0].row.unpriced_events = 1;
  UsageReport r = Daily(rows, "UTC");
  r.exact_events = std::make_pair<uint64_t, uint64_t>(0, 1);
  RenderOptions opt;
  opt.width = 40;
  const std::string table = ReportTable(r, opt);
  const std::vector<std::string> lines = Fits(table, 40);
  // Whole words only: every line's words are words of the notes.
  for (const char* word : {"lower", "bounds:", "telemetry", "streaming",
                           "claude-new-model", "--prices"}) {
    bool whole = false;
    for (const std::string& line : lines) {
      const std::string padded = std::string(" ").append(line).append(" ");
      if (Has(padded, std::string(" ").append(word).append(" "))) whole = true;
    }
    EXPECT_TRUE(whole) << word << "\n" << table;
  }
  // The active block's summary at 80: its date-times stay whole.
  std::vector<Row> block = {Event("2025-09-03T10:05:00Z", 100),
                            Event("2025-09-03T10:35:00Z", 100)};
  UsageReport b = BuildReport(Data(block), BlockSpec("2025-09-03T10:40:00Z"));
  RenderOptions at60;
  at60.width = 60;
  at60.now_ms = Ms("2025-09-03T10:40:00Z");
  at60.token_limit = 1000;
  const std::string summary = ReportTable(b, at60);
  const std::vector<std::string> slines = Fits(summary, 60);
  int whole_dates = 0;
  for (const std::string& line : slines) {
    if (Has(line, "2025-09-03 10:00")) ++whole_dates;
    if (Has(line, "2025-09-03 15:00")) ++whole_dates;
  }
  EXPECT_EQ(whole_dates, 3) << summary;  // The row, "started", "ends".
}

}  // namespace
}  // namespace cc
