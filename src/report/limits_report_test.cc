// report limits over hand-computed figures. A 5-hour window resetting at
// 2025-09-10 13:00 UTC with a peak of 25 % held 200,000 tokens costing
// $1.50: 1 % = 8,000 tokens, $0.06.
#include "report/limits_report.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/civil_time.h"

namespace cc {
namespace {

int64_t At(const char* iso) { return *ParseIsoTimestampMs(iso); }

RateLimitWindow Window(RateLimitKind kind, const char* reset_iso, double peak) {
  RateLimitWindow w;
  w.kind = kind;
  w.resets_at = At(reset_iso) / 1000;
  w.peak_percentage = peak;
  w.first_seen_ms = At(reset_iso) - 3'600'000;
  w.last_seen_ms = At(reset_iso) - 60'000;
  w.readings = 3;
  return w;
}

RangeTotals Totals(uint64_t input, uint64_t output, int64_t cost_nano) {
  RangeTotals t;
  t.tokens.input = input;
  t.tokens.output = output;
  t.cost_nano = cost_nano;
  t.events = 4;
  return t;
}

TEST(LimitsReport, OnePercentCostsTheWindowsTotalsOverItsPeak) {
  const RateLimitWindow w =
      Window(RateLimitKind::kFiveHour, "2025-09-10T13:00:00Z", 25);
  EXPECT_EQ(w.start_ms(), At("2025-09-10T08:00:00Z"));
  const LimitWindowRow row = LimitRowOf(
      w, Totals(150'000, 50'000, 1'500'000'000), At("2025-09-10T14:00:00Z"));
  EXPECT_FALSE(row.active);
  ASSERT_TRUE(row.tokens_per_percent);
  EXPECT_DOUBLE_EQ(*row.tokens_per_percent, 8000);
  ASSERT_TRUE(row.dollars_per_percent);
  EXPECT_DOUBLE_EQ(*row.dollars_per_percent, 0.06);
  // Before its reset it is active.
  EXPECT_TRUE(LimitRowOf(w, {}, At("2025-09-10T12:59:59Z")).active);
}

TEST(LimitsReport, APeakOfZeroHasNoCostPerPercent) {
  const LimitWindowRow row =
      LimitRowOf(Window(RateLimitKind::kSevenDay, "2025-09-14T00:00:00Z", 0),
                 Totals(10, 10, 100), 0);
  EXPECT_FALSE(row.tokens_per_percent);
  EXPECT_FALSE(row.dollars_per_percent);
}

LimitsReport TwoWindows(int64_t now_ms) {
  LimitsReport r;
  r.rows.push_back(
      LimitRowOf(Window(RateLimitKind::kSevenDay, "2025-09-14T00:00:00Z", 0),
                 Totals(0, 0, 0), now_ms));
  r.rows.push_back(
      LimitRowOf(Window(RateLimitKind::kFiveHour, "2025-09-10T13:00:00Z", 25),
                 Totals(150'000, 50'000, 1'500'000'000), now_ms));
  return r;
}

TEST(LimitsReport, JsonHasEachWindowWithItsCostPerPercent) {
  LimitsRenderOptions opt;
  opt.now_ms = At("2025-09-10T12:00:00Z");
  LimitsReport r = TwoWindows(opt.now_ms);
  r.source = "lap\"top";
  const std::string text = LimitsJson(r, opt);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
  auto limits = doc["limits"].get_array();
  ASSERT_EQ(limits.size(), 2u);
  auto seven = limits.at(0);
  EXPECT_EQ(std::string(seven["window"].get_string().value()), "seven_day");
  EXPECT_TRUE(seven["tokensPerPercent"].is_null());
  EXPECT_TRUE(seven["costUSDPerPercent"].is_null());
  auto five = limits.at(1);
  EXPECT_EQ(std::string(five["startTime"].get_string().value()),
            "2025-09-10T08:00:00.000Z");
  EXPECT_EQ(std::string(five["resetsAt"].get_string().value()),
            "2025-09-10T13:00:00.000Z");
  EXPECT_EQ(five["resetsAtEpoch"].get_int64().value(),
            At("2025-09-10T13:00:00Z") / 1000);
  EXPECT_TRUE(five["isActive"].get_bool().value());
  EXPECT_EQ(five["totalTokens"].get_uint64().value(), 200'000u);
  EXPECT_DOUBLE_EQ(five["costUSD"].get_double().value(), 1.5);
  EXPECT_DOUBLE_EQ(five["tokensPerPercent"].get_double().value(), 8000);
  EXPECT_DOUBLE_EQ(five["costUSDPerPercent"].get_double().value(), 0.06);
  EXPECT_EQ(std::string(doc["source"].get_string().value()), "lap\"top");
}

TEST(LimitsReport, TableShowsPeakAndPerPercentAndEscapesTheSource) {
  LimitsRenderOptions opt;
  opt.now_ms = At("2025-09-10T12:00:00Z");
  opt.width = 200;
  LimitsReport r = TwoWindows(opt.now_ms);
  r.source = "evil\x1b[31m";
  const std::string t = LimitsTable(r, opt);
  EXPECT_NE(t.find("5-hour"), std::string::npos) << t;
  EXPECT_NE(t.find("2025-09-10 13:00 (in 1h 00m)"), std::string::npos) << t;
  EXPECT_NE(t.find("25%"), std::string::npos) << t;
  EXPECT_NE(t.find("8,000"), std::string::npos) << t;
  EXPECT_NE(t.find("$0.0600"), std::string::npos) << t;
  EXPECT_NE(t.find("$1.50"), std::string::npos) << t;
  EXPECT_EQ(t.find('\x1b'), std::string::npos) << t;
}

// A block gets the 5-hour window that overlaps it most.
TEST(LimitsReport, BlocksGetTheOfficialWindowTheyOverlapMost) {
  UsageReport report;
  ReportRow block;
  block.start_ms = At("2025-09-10T09:00:00Z");
  block.end_ms = At("2025-09-10T14:00:00Z");
  ReportRow gap = block;
  gap.is_gap = true;
  ReportRow alone;
  alone.start_ms = At("2025-09-11T09:00:00Z");
  alone.end_ms = At("2025-09-11T14:00:00Z");
  report.rows = {block, gap, alone};
  const std::vector<RateLimitWindow> windows = {
      Window(RateLimitKind::kSevenDay, "2025-09-14T00:00:00Z", 50),
      Window(RateLimitKind::kFiveHour, "2025-09-10T10:00:00Z", 5),   // 1 h.
      Window(RateLimitKind::kFiveHour, "2025-09-10T15:00:00Z", 40)};  // 4 h.
  AttachOfficialWindows(windows, &report);
  ASSERT_TRUE(report.rows[0].official);
  EXPECT_EQ(report.rows[0].official->peak_percentage, 40);
  EXPECT_FALSE(report.rows[1].official);
  EXPECT_FALSE(report.rows[2].official);
}

}  // namespace
}  // namespace cc
