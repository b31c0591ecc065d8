#include "statusline/budget_segment.h"

#include <gtest/gtest.h>

#include "statusline/render.h"

namespace cc {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

BudgetStatus Usd(const char* name, double limit, double spent) {
  BudgetStatus s;
  s.budget.name = name;
  s.budget.usd = limit;
  s.unit = "usd";
  s.limit = limit;
  s.spent = spent;
  s.percent = spent / limit * 100;
  return s;
}

BudgetStatus Tokens(const char* name, int64_t limit, double spent) {
  BudgetStatus s;
  s.budget.name = name;
  s.budget.period = BudgetPeriod::kBlock;
  s.budget.tokens = limit;
  s.unit = "tokens";
  s.limit = static_cast<double>(limit);
  s.spent = spent;
  s.percent = spent / s.limit * 100;
  return s;
}

TEST(BudgetSegment, ShowsTheBudgetNearestItsLimit) {
  // $12.40 of $20 is 62 %; $125 of $400 is 31.25 %; 1.2M of 5M tokens 24 %.
  std::vector<BudgetStatus> all = {Usd("month", 400, 125), Usd("day", 20, 12.4),
                                   Tokens("block", 5'000'000, 1'200'000)};
  std::optional<BudgetSegment> s = BudgetSegmentOf(all);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->text, "day $12.40/20 62%");
  EXPECT_EQ(s->level, BudgetSegment::Level::kWarn);  // Past its 50 % threshold.
  all[1].spent = 1;
  all[1].percent = 5;
  EXPECT_EQ(BudgetSegmentOf(all)->text, "month $125/400 31%");
  all[0].spent = 10;
  all[0].percent = 2.5;
  EXPECT_EQ(BudgetSegmentOf(all)->text, "block 1.2M/5.0M tok 24%");
  EXPECT_EQ(BudgetSegmentOf(all)->level, BudgetSegment::Level::kUnder);
}

TEST(BudgetSegment, ColouredByTheBudgetsOwnThresholdsAndItsLimit) {
  BudgetStatus b = Usd("week", 60, 45);  // 75 %.
  b.budget.thresholds = {80, 100};
  EXPECT_EQ(BudgetSegmentOf({b})->level, BudgetSegment::Level::kUnder);
  b.projected = 61;  // On pace to end the week over.
  EXPECT_EQ(BudgetSegmentOf({b})->level, BudgetSegment::Level::kWarn);
  b.projected.reset();
  b.spent = 48;
  b.percent = 80;
  EXPECT_EQ(BudgetSegmentOf({b})->level, BudgetSegment::Level::kWarn);
  // 99.7 %: not yet over, and not shown as 100 %.
  b.spent = 59.82;
  b.percent = 99.7;
  EXPECT_EQ(BudgetSegmentOf({b})->text, "week $59.82/60 99%");
  EXPECT_EQ(BudgetSegmentOf({b})->level, BudgetSegment::Level::kWarn);
  b.spent = 75;
  b.percent = 125;
  EXPECT_EQ(BudgetSegmentOf({b})->text, "week $75.00/60 125%");
  EXPECT_EQ(BudgetSegmentOf({b})->level, BudgetSegment::Level::kOver);
  b.limit = 60.5;
  EXPECT_EQ(BudgetSegmentOf({b})->text, "week $75.00/60.50 125%");
  // $0.078 of $0.05, as the budget computes it: 155.99999999999997.
  b.spent = 0.078;
  b.limit = 0.05;
  b.percent = b.spent / b.limit * 100;
  EXPECT_EQ(BudgetSegmentOf({b})->text, "week $0.08/0.05 156%");
}

TEST(BudgetSegment, NothingWhenNoBudgetCountsNow) {
  EXPECT_FALSE(BudgetSegmentOf({}));
  BudgetStatus idle = Tokens("block", 5'000'000, 0);
  idle.active = false;  // No request in the last 5 hours.
  BudgetStatus lost = Usd("week ~/nope", 60, 0);
  lost.problem = "project '~/nope': no project of that name in the ledger";
  EXPECT_FALSE(BudgetSegmentOf({idle, lost}));
  // A budget with a problem is not shown over one that counts.
  lost.percent = 500;
  EXPECT_EQ(BudgetSegmentOf({lost, Usd("day", 20, 1)})->text, "day $1.00/20 5%");
}

TEST(BudgetSegment, AHostileNameIsEscaped) {
  std::optional<BudgetSegment> s = BudgetSegmentOf({Usd("x\x1b]0;pwned\x07\ny", 20, 1)});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->text, "x\\x1b]0;pwned\\x07\\ny $1.00/20 5%");
}

StatuslineFigures WithBudget(BudgetStatus b) {
  StatuslineFigures f;
  UsageTotals today;
  today.cost_nano = 12'400'000'000;
  f.today = today;
  f.budgets.push_back(std::move(b));
  return f;
}

TEST(BudgetSegment, InTheLineAfterTheBlockColouredOnATerminal) {
  StatuslineInput in;
  in.model_name = "Opus 4.8";
  in.context_used_pct = 10;
  StatuslineFigures f = WithBudget(Usd("day", 20, 12.4));
  StatuslineOptions o;
  o.color = false;
  EXPECT_EQ(RenderStatusline(in, &f, o, kNow)[0],
            "Opus 4.8 | $12.40 today | day $12.40/20 62% | ctx 10%");
  o.segments = {Segment::kBudget};
  o.color = true;
  EXPECT_EQ(RenderStatusline(in, &f, o, kNow)[0], "\x1b[33mday $12.40/20 62%\x1b[0m");
  f.budgets[0].spent = 25;
  f.budgets[0].percent = 125;
  EXPECT_EQ(RenderStatusline(in, &f, o, kNow)[0], "\x1b[31mday $25.00/20 125%\x1b[0m");
  f.budgets[0].spent = 2;
  f.budgets[0].percent = 10;
  EXPECT_EQ(RenderStatusline(in, &f, o, kNow)[0], "\x1b[32mday $2.00/20 10%\x1b[0m");
}

// Narrower: today goes first, then context, then the budget; the model
// stays.
TEST(BudgetSegment, DroppedAfterTodayAndContext) {
  StatuslineInput in;
  in.model_name = "Opus 4.8";
  in.context_used_pct = 10;
  StatuslineFigures f = WithBudget(Usd("day", 20, 12.4));
  StatuslineOptions o;
  o.color = false;
  o.segments = {Segment::kModel, Segment::kToday, Segment::kBudget, Segment::kContext};
  o.columns = 40;  // The whole line is 53.
  EXPECT_EQ(RenderStatusline(in, &f, o, kNow)[0], "Opus 4.8 | day $12.40/20 62% | ctx 10%");
  o.columns = 30;
  EXPECT_EQ(RenderStatusline(in, &f, o, kNow)[0], "Opus 4.8 | day $12.40/20 62%");
  o.columns = 20;
  EXPECT_EQ(RenderStatusline(in, &f, o, kNow)[0], "Opus 4.8");
}

TEST(BudgetSegment, NamedInSegmentsAndListedInJson) {
  Result<std::vector<Segment>> s = ParseSegments("model,budget");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (std::vector<Segment>{Segment::kModel, Segment::kBudget}));
  EXPECT_NE(ParseSegments("budgets").status().message().find("budget, context"),
            std::string::npos);
  BudgetStatus b = Tokens("block", 5'000'000, 1'200'000);
  b.projected = 3'000'000;
  StatuslineFigures f = WithBudget(b);
  const std::string json = StatuslineJson(StatuslineInput{}, &f, kNow);
  EXPECT_NE(json.find(R"("budgets":[{"name":"block","period":"block","unit":"tokens",)"
                      R"("active":true,"spent":1200000,"limit":5000000,"percent":24,)"
                      R"("projected":3000000,"overBudget":false,"alerts":0,"problem":""}])"),
            std::string::npos)
      << json;
  EXPECT_NE(StatuslineJson(StatuslineInput{}, nullptr, kNow).find(R"("budgets":[])"),
            std::string::npos);
}

}  // namespace
}  // namespace cc
