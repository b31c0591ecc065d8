#include "statusline/render.h"

#include <string>

#include <gtest/gtest.h>

#include "report/text_table.h"

namespace cc {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

StatuslineInput Input() {
  StatuslineInput in;
  in.parsed = true;
  in.model_name = "Opus 4.8";
  in.session_id = "s";
  in.cost_usd = 1.5;
  in.context_used_pct = 62;
  in.five_hour = RateWindow{34, kNow / 1000 + 3600};
  in.seven_day = RateWindow{85, kNow / 1000 + 3 * 86400};
  return in;
}

StatuslineFigures Figures() {
  StatuslineFigures f;
  SessionTotals s;
  s.events = 3;
  s.cost_nano = 2'345'000'000;
  s.tokens.input = 1200;
  f.session = s;
  UsageTotals today;
  today.cost_nano = 12'000'000'000;
  f.today = today;
  BlockFigures b;
  b.start_ms = kNow - 3600'000;
  b.end_ms = kNow + 4 * 3600'000;
  b.totals.cost_nano = 5'000'000'000;
  b.cost_per_hour = 5;
  f.block = b;
  return f;
}

StatuslineOptions Plain() {
  StatuslineOptions o;
  o.color = false;
  return o;
}

TEST(StatuslineRender, AllSegmentsPlain) {
  StatuslineFigures f = Figures();
  std::vector<std::string> lines = RenderStatusline(Input(), &f, Plain(), kNow);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "Opus 4.8 | $2.35 session 1.2k tok | $12.00 today | $5.00 block (4h00m left, "
            "$5.00/h) | ctx 62% | 5h 34% (1h00m) 7d 85% (3d0h)");
}

TEST(StatuslineRender, WithoutTheLedgerTheEstimateIsMarked) {
  std::vector<std::string> lines = RenderStatusline(Input(), nullptr, Plain(), kNow);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "Opus 4.8 | ~$1.50 session (est.) | ctx 62% | 5h 34% (1h00m) 7d 85% (3d0h)");
}

TEST(StatuslineRender, NothingKnownStillPrintsALine) {
  std::vector<std::string> lines = RenderStatusline(StatuslineInput{}, nullptr, Plain(), kNow);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "Claude");
}

TEST(StatuslineRender, FitsColumnsDroppingTodayFirst) {
  StatuslineFigures f = Figures();
  StatuslineOptions o = Plain();
  o.columns = 60;
  std::string line = RenderStatusline(Input(), &f, o, kNow)[0];
  EXPECT_LE(DisplayWidth(line), 60u);
  EXPECT_EQ(line.find("today"), std::string::npos);
  EXPECT_NE(line.find("Opus 4.8"), std::string::npos);
  EXPECT_NE(line.find("session"), std::string::npos);
  o.columns = 5;
  line = RenderStatusline(Input(), &f, o, kNow)[0];
  EXPECT_LE(DisplayWidth(line), 5u);
  EXPECT_FALSE(line.empty());
}

TEST(StatuslineRender, ColoursByThreshold) {
  StatuslineOptions o;
  o.segments = {Segment::kContext};
  StatuslineInput in = Input();
  EXPECT_EQ(RenderStatusline(in, nullptr, o, kNow)[0], "\x1b[33mctx 62%\x1b[0m");
  o.warn_pct = 70;
  o.alert_pct = 90;
  EXPECT_EQ(RenderStatusline(in, nullptr, o, kNow)[0], "\x1b[32mctx 62%\x1b[0m");
  in.context_used_pct = 95;
  EXPECT_EQ(RenderStatusline(in, nullptr, o, kNow)[0], "\x1b[31mctx 95%\x1b[0m");
}

TEST(StatuslineRender, HostileModelNameIsEscaped) {
  StatuslineInput in = Input();
  in.model_name = "evil\x1b]52;c;aGk=\x07\nsecond line\r";
  for (bool color : {false, true}) {
    StatuslineOptions o;
    o.color = color;
    for (const std::string& line : RenderStatusline(in, nullptr, o, kNow)) {
      EXPECT_EQ(line.find('\n'), std::string::npos);
      EXPECT_EQ(line.find('\r'), std::string::npos);
      EXPECT_EQ(line.find('\x07'), std::string::npos);
      EXPECT_EQ(line.find("\x1b]"), std::string::npos);
      EXPECT_NE(line.find("evil\\x1b]52"), std::string::npos) << line;
    }
  }
}

TEST(StatuslineRender, LinesSplitTheSegmentsInOrder) {
  StatuslineFigures f = Figures();
  StatuslineOptions o = Plain();
  o.lines = 2;
  std::vector<std::string> lines = RenderStatusline(Input(), &f, o, kNow);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("Opus 4.8 | ", 0), 0u);
  EXPECT_EQ(lines[1].rfind("$5.00 block", 0), 0u);
}

TEST(StatuslineRender, SegmentsAndThresholdsParse) {
  Result<std::vector<Segment>> s = ParseSegments("limits,model,limits");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (std::vector<Segment>{Segment::kLimits, Segment::kModel}));
  EXPECT_FALSE(ParseSegments("model,cost").ok());
  EXPECT_NE(ParseSegments("model,cost").status().message().find("'cost'"), std::string::npos);
  EXPECT_FALSE(ParseSegments(",").ok());
  StatuslineOptions o;
  EXPECT_TRUE(ParseThresholds("60,90", &o).ok());
  EXPECT_EQ(o.warn_pct, 60);
  EXPECT_EQ(o.alert_pct, 90);
  EXPECT_FALSE(ParseThresholds("90,60", &o).ok());
  EXPECT_FALSE(ParseThresholds("50", &o).ok());
  EXPECT_FALSE(ParseThresholds("50,80x", &o).ok());
}

TEST(StatuslineRender, JsonNamesWhereTheSessionCostCameFrom) {
  StatuslineFigures f = Figures();
  std::string ours = StatuslineJson(Input(), &f, kNow);
  EXPECT_NE(ours.find(R"("source":"ledger","totalCost":2.345)"), std::string::npos) << ours;
  std::string est = StatuslineJson(Input(), nullptr, kNow);
  EXPECT_NE(est.find(R"("source":"claude-code-estimate","totalCost":1.5)"), std::string::npos)
      << est;
  EXPECT_NE(est.find(R"("ledgerRead":false)"), std::string::npos);
}

}  // namespace
}  // namespace cc
