#include "price/price_table.h"

#include <gtest/gtest.h>

#include "core/civil_time.h"

namespace cc {
namespace {

// Hand-written rates ($/MTok): Sonnet 4 with its long-context tier, an
// Opus with fast mode, and a model whose cache read price changed.
constexpr const char* kTable = R"({
  "format": "context-cleaner-prices/1",
  "version": "test-1",
  "models": [
    {"id": "claude-sonnet-4", "aliases": ["claude-sonnet-4-20250514"],
     "prices": [{"effective_from": "2025-05-22", "input": 3, "output": 15,
       "cache_write_5m": 3.75, "cache_write_1h": 6, "cache_read": 0.30,
       "web_search": 10,
       "tiers": [{"above_prompt_tokens": 200000, "input": 6, "output": 22.5,
         "cache_write_5m": 7.5, "cache_write_1h": 12, "cache_read": 0.6}]}]},
    {"id": "claude-opus-4-6",
     "prices": [{"effective_from": "2026-02-05", "input": 5, "output": 25,
       "cache_write_5m": 6.25, "cache_write_1h": 10, "cache_read": 0.5,
       "fast_multiplier": 6}]},
    {"id": "claude-sonnet-5-5",
     "prices": [
       {"effective_from": "2026-10-07", "input": 2, "output": 10,
        "cache_write_5m": 2.5, "cache_write_1h": 4, "cache_read": 0.1},
       {"effective_from": "2026-06-01", "input": 2, "output": 10,
        "cache_write_5m": 2.5, "cache_write_1h": 4, "cache_read": 0.2}]},
    {"id": "<synthetic>", "prices": [{"effective_from": "2000-01-01",
      "input": 0, "output": 0, "cache_write_5m": 0, "cache_write_1h": 0,
      "cache_read": 0}]}
  ]})";

const PriceTable& Table() {
  static const PriceTable t = *PriceTable::Parse(kTable, "test table");
  return t;
}

int64_t Ms(const char* iso) { return *ParseIsoTimestampMs(iso); }

Cost CostFor(const Tokens& t, std::string_view model,
             const char* when = "2025-09-03T10:00:00Z",
             std::string_view speed = "") {
  return Table().CostOf(CostInput{t, model, speed, Ms(when)});
}

constexpr int64_t kMicro = 1'000;  // Nano-dollars per micro-dollar.

TEST(PriceTable, EachTokenKindAtItsRate) {
  Tokens t;
  t.input = 1000;  // 1000 × $3/MTok = $0.003.
  EXPECT_EQ(CostFor(t, "claude-sonnet-4").nano, 3000 * kMicro);
  t = Tokens{};
  t.output = 1000;  // $0.015
  EXPECT_EQ(CostFor(t, "claude-sonnet-4").nano, 15000 * kMicro);
  t = Tokens{};
  t.cache_creation = 1000;  // No split: all at the 5 m rate, $0.00375.
  EXPECT_EQ(CostFor(t, "claude-sonnet-4").nano, 3750 * kMicro);
  t = Tokens{};
  t.cache_read = 1000;  // $0.0003
  EXPECT_EQ(CostFor(t, "claude-sonnet-4").nano, 300 * kMicro);
  EXPECT_TRUE(CostFor(t, "claude-sonnet-4").known);
}

TEST(PriceTable, OneHourCacheWritesCostMoreThanFiveMinute) {
  Tokens t;
  t.cache_creation = 1000;
  t.cache_creation_5m = 600;
  t.cache_creation_1h = 400;
  // 600 × 3.75 + 400 × 6 = 2250 + 2400 micro-dollars.
  EXPECT_EQ(CostFor(t, "claude-sonnet-4").nano, 4650 * kMicro);
}

TEST(PriceTable, LongContextTierRepricesTheWholeRequest) {
  Tokens t;
  t.input = 150000;
  t.cache_read = 50000;  // Prompt exactly 200,000: the base rates.
  t.output = 1000;
  // 150000×3 + 50000×0.3 + 1000×15 = 450000 + 15000 + 15000.
  EXPECT_EQ(CostFor(t, "claude-sonnet-4").nano, 480000 * kMicro);
  t.cache_creation = 1;  // 200,001: every token at the tier's rates.
  // 150000×6 + 50000×0.6 + 1×7.5 + 1000×22.5
  //   = 900000 + 30000 + 7.5 + 22500 micro-dollars.
  EXPECT_EQ(CostFor(t, "claude-sonnet-4").nano, 952507 * kMicro + kMicro / 2);
}

TEST(PriceTable, WebSearchIsChargedPerRequest) {
  Tokens t;
  t.web_search_requests = 3;  // $10 / 1,000 = $0.01 each.
  t.web_fetch_requests = 5;   // Free beyond its tokens.
  EXPECT_EQ(CostFor(t, "claude-sonnet-4").nano, 30000 * kMicro);
}

TEST(PriceTable, FastModeMultipliesTokenRates) {
  Tokens t;
  t.output = 1000;  // 1000 × $25/MTok = $0.025; fast: 6× = $0.15.
  EXPECT_EQ(CostFor(t, "claude-opus-4-6", "2026-03-01T00:00:00Z").nano,
            25000 * kMicro);
  EXPECT_EQ(CostFor(t, "claude-opus-4-6", "2026-03-01T00:00:00Z", "fast").nano,
            150000 * kMicro);
  // A model without fast mode pays its standard rate.
  EXPECT_EQ(CostFor(t, "claude-sonnet-4", "2026-03-01T00:00:00Z", "fast").nano,
            15000 * kMicro);
}

// US-only inference (usage.inference_geo "us") as the built-in table
// prices it: 1.1x the token cost on Opus 4.6 and later, standard on the
// models released before (support.claude.com, "How billing works").
TEST(PriceTable, UsOnlyInferenceCostsATenthMoreOnNewerModels) {
  const PriceTable& t = PriceTable::Embedded();
  EXPECT_EQ(t.us_inference().multiplier_milli, 1100);
  Tokens k;
  k.input = 1000;   // 1000 × $5/MTok = $0.005
  k.output = 2000;  // 2000 × $25/MTok = $0.05
  const int64_t when = Ms("2026-11-02T10:00:00Z");
  auto cost = [&](std::string_view model, std::string_view geo,
                  std::string_view speed = "") {
    return t.CostOf(CostInput{k, model, speed, when, geo}).nano;
  };
  EXPECT_EQ(cost("claude-opus-4-6", ""), 55'000 * kMicro);     // $0.055
  EXPECT_EQ(cost("claude-opus-4-6", "global"), 55'000 * kMicro);
  EXPECT_EQ(cost("claude-opus-4-6", "us"), 60'500 * kMicro);   // $0.0605
  // Fast mode on Opus 5 (2x) and US-only stack: 0.055 × 2 × 1.1.
  EXPECT_EQ(cost("claude-opus-5", "us", "fast"), 121'000 * kMicro);
  // Opus 4.5 ($5/$25 too) and older are billed at the standard rate.
  EXPECT_EQ(cost("claude-opus-4-5-20251101", "us"), 55'000 * kMicro);
  // Sonnet 4.6 ($3/$15): 3000 + 30000 micro-dollars, × 1.1 = 36300.
  EXPECT_EQ(cost("claude-sonnet-4-6", "us"), 36'300 * kMicro);
  // Web search is not multiplied: $0.01 a request on top.
  k.web_search_requests = 1;
  EXPECT_EQ(cost("claude-opus-4-6", "us"), 70'500 * kMicro);
}

TEST(PriceTable, UsOnlyInferenceIsReadFromTheFile) {
  // A file without it prices "us" at the standard rate.
  Tokens k;
  k.output = 1000;
  EXPECT_EQ(Table().CostOf(CostInput{k, "claude-opus-4-6", "",
                                     Ms("2026-03-01T00:00:00Z"), "us"})
                .nano,
            25'000 * kMicro);
  Result<PriceTable> bad = PriceTable::Parse(
      R"({"format": "context-cleaner-prices/1", "models": [{"id": "m",
         "prices": [{"effective_from": "2025-01-01", "input": 1, "output": 1,
         "cache_write_5m": 1, "cache_write_1h": 1, "cache_read": 1}]}],
         "us_inference": {"multiplier": 1.1,
                          "standard_rate_models": ["no-such-model"]}})",
      "f.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("no-such-model"), std::string::npos)
      << bad.status().message();
}

TEST(PriceTable, EffectiveDatesPickTheRowInForce) {
  Tokens t;
  t.cache_read = 1'000'000;
  EXPECT_EQ(CostFor(t, "claude-sonnet-5-5", "2026-10-06T23:59:59Z").nano,
            200000 * kMicro);
  EXPECT_EQ(CostFor(t, "claude-sonnet-5-5", "2026-10-07T00:00:00Z").nano,
            100000 * kMicro);
  // Before the first row: the first row.
  EXPECT_EQ(CostFor(t, "claude-sonnet-5-5", "2026-01-01T00:00:00Z").nano,
            200000 * kMicro);
}

TEST(PriceTable, UnknownModelHasNoPriceAndSyntheticIsFree) {
  Tokens t;
  t.input = 10;
  EXPECT_FALSE(CostFor(t, "claude-unheard-of-9").known);
  EXPECT_FALSE(CostFor(t, "").known);
  Cost synthetic = CostFor(t, "<synthetic>");
  EXPECT_TRUE(synthetic.known);
  EXPECT_EQ(synthetic.nano, 0);
}

TEST(PriceTable, ModelIdsInEveryForm) {
  for (const char* id :
       {"claude-sonnet-4", "claude-sonnet-4-20250514", "Claude-Sonnet-4",
        "claude-sonnet-4-20250514[1m]", "claude-sonnet-4[1m]",
        "anthropic/claude-sonnet-4-20250514",
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
        "claude-sonnet-4@20250514", "claude-sonnet-4-20991231"}) {
    const ModelPrices* m = Table().Find(id);
    ASSERT_NE(m, nullptr) << id;
    EXPECT_EQ(m->id, "claude-sonnet-4") << id;
  }
  EXPECT_EQ(Table().Find("claude-sonnet-4-5"), nullptr);
  EXPECT_EQ(Table().Find("claude-sonnet"), nullptr);
}

TEST(PriceTable, OverlayReplacesAndExtends) {
  PriceTable t = Table();
  Result<PriceTable> extra = PriceTable::Parse(R"({
    "format": "context-cleaner-prices/1", "version": "mine",
    "models": [
      {"id": "claude-sonnet-4-20250514", "prices": [{"effective_from":
        "2025-01-01", "input": 1, "output": 2, "cache_write_5m": 3,
        "cache_write_1h": 4, "cache_read": 5}]},
      {"id": "claude-new-1", "prices": [{"effective_from": "2025-01-01",
        "input": 7, "output": 0, "cache_write_5m": 0, "cache_write_1h": 0,
        "cache_read": 0}]}]})",
                                               "override");
  ASSERT_TRUE(extra.ok()) << extra.status().message();
  t.Overlay(*extra);
  Tokens tok;
  tok.input = 1'000'000;
  int64_t when = Ms("2025-09-03T00:00:00Z");
  EXPECT_EQ(t.CostOf({tok, "claude-sonnet-4", "", when}).nano,
            1 * kNanoPerDollar);
  EXPECT_EQ(t.CostOf({tok, "claude-new-1", "", when}).nano, 7 * kNanoPerDollar);
  EXPECT_EQ(t.CostOf({tok, "claude-opus-4-6", "", when}).nano,
            5 * kNanoPerDollar);
  EXPECT_NE(t.version(), Table().version());
}

TEST(PriceTable, LiteLlmFormatIsAcceptedAsIs) {
  Result<PriceTable> t = PriceTable::Parse(R"({
    "sample_spec": {"max_tokens": "set to max_output_tokens if provider specifies it"},
    "gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05},
    "claude-sonnet-4-20250514": {
      "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
      "cache_creation_input_token_cost": 3.75e-06,
      "cache_creation_input_token_cost_above_1hr": 6e-06,
      "cache_read_input_token_cost": 3e-07,
      "input_cost_per_token_above_200k_tokens": 6e-06,
      "output_cost_per_token_above_200k_tokens": 2.25e-05,
      "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06,
      "cache_read_input_token_cost_above_200k_tokens": 6e-07,
      "search_context_cost_per_query": {"search_context_size_low": 0.01,
        "search_context_size_medium": 0.01, "search_context_size_high": 0.01},
      "litellm_provider": "anthropic", "mode": "chat"}})",
                                           "litellm.json");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->Find("gpt-4o"), nullptr);
  // The same requests cost the same as with our own table.
  Tokens small;
  small.input = 1000;
  small.output = 1000;
  small.cache_creation = 1000;
  small.cache_creation_1h = 400;
  small.cache_read = 1000;
  small.web_search_requests = 2;
  Tokens large = small;
  large.input = 250000;
  for (const Tokens& tok : {small, large}) {
    CostInput in{tok, "claude-sonnet-4-20250514", "",
                 Ms("2025-09-03T00:00:00Z")};
    EXPECT_EQ(t->CostOf(in).nano, Table().CostOf(in).nano);
  }
}

TEST(PriceTable, ALiteLlmOverlayKeepsFastModeAndMatchesAliases) {
  Result<PriceTable> litellm = PriceTable::Parse(R"({
    "claude-opus-4-6": {"input_cost_per_token": 5e-06,
      "output_cost_per_token": 2.5e-05, "litellm_provider": "anthropic"}})",
                                                 "litellm.json");
  ASSERT_TRUE(litellm.ok());
  PriceTable t = Table();
  t.Overlay(*litellm);
  Tokens tok;
  tok.output = 1000;  // $0.025 standard, 6x fast.
  CostInput fast{tok, "claude-opus-4-6", "fast", Ms("2026-03-01T00:00:00Z")};
  EXPECT_EQ(t.CostOf(fast).nano, 150000 * kMicro);
  // An overlay naming a known model only by an alias replaces it.
  Result<PriceTable> by_alias = PriceTable::Parse(R"({
    "format": "context-cleaner-prices/1", "version": "x",
    "models": [{"id": "my-sonnet", "aliases": ["claude-sonnet-4-20250514"],
      "prices": [{"effective_from": "2025-01-01", "input": 1, "output": 1,
        "cache_write_5m": 1, "cache_write_1h": 1, "cache_read": 1}]}]})",
                                                  "alias.json");
  ASSERT_TRUE(by_alias.ok());
  t.Overlay(*by_alias);
  tok = Tokens{};
  tok.input = 1'000'000;
  for (const char* id :
       {"claude-sonnet-4", "claude-sonnet-4-20250514", "my-sonnet"}) {
    EXPECT_EQ(t.CostOf({tok, id, "", Ms("2025-09-03T00:00:00Z")}).nano,
              kNanoPerDollar)
        << id;
  }
}

TEST(PriceTable, BadFilesAreRefusedWithTheirPlace) {
  struct Case {
    const char* json;
    const char* says;
  } cases[] = {
      {"{not json", "not JSON"},
      {"[]", "not a JSON object"},
      {R"({"format": "other/2", "models": []})", "unknown format"},
      {R"({"format": "context-cleaner-prices/1"})", "missing \"models\""},
      {R"({"format": "context-cleaner-prices/1", "models": [{"id": "m",
         "prices": [{"effective_from": "2025-01-01", "input": 1}]}]})",
       "missing \"output\""},
      {R"({"format": "context-cleaner-prices/1", "models": [{"id": "m",
         "prices": [{"effective_from": "2025-13-45", "input": 1}]}]})",
       "not a date"},
      {R"({"format": "context-cleaner-prices/1", "models": [{"id": "m",
         "prices": [{"effective_from": "2025-01-01", "input": -1, "output": 1,
         "cache_write_5m": 1, "cache_write_1h": 1, "cache_read": 1}]}]})",
       "input: not a price"},
      {R"({"some": {"thing": 1}})", "neither our price format"},
  };
  for (const Case& c : cases) {
    Result<PriceTable> t = PriceTable::Parse(c.json, "f.json");
    ASSERT_FALSE(t.ok()) << c.json;
    EXPECT_NE(t.status().message().find(c.says), std::string::npos)
        << t.status().message();
    EXPECT_EQ(t.status().message().rfind("f.json", 0), 0u);
  }
}

TEST(PriceTable, ImplausibleCountsAreCappedNotOverflowed) {
  Tokens t;
  t.output = uint64_t{1} << 40;  // The parser's bound: $16 million at $15.
  Cost c = CostFor(t, "claude-sonnet-4");
  EXPECT_TRUE(c.known);
  EXPECT_EQ(c.nano, kMaxRequestCostNano);
}

TEST(PriceTable, DollarsAreExact) {
  EXPECT_EQ(DollarsJsonNumber(2'817'523'350), "2.81752335");
  EXPECT_EQ(DollarsJsonNumber(0), "0");
  EXPECT_EQ(DollarsJsonNumber(5 * kNanoPerDollar), "5");
  EXPECT_EQ(DollarsJsonNumber(1), "0.000000001");
  EXPECT_EQ(FormatDollars(2'817'523'350, 2), "$2.82");
  EXPECT_EQ(FormatDollars(4'999'999, 2), "$0.00");
  EXPECT_EQ(FormatDollars(5'000'000, 2), "$0.01");
  EXPECT_EQ(FormatDollars(1234 * kNanoPerDollar, 2), "$1234.00");
}

TEST(PriceTable, TheBuiltInTableParsesAndCoversClaudeCodeModels) {
  const PriceTable& t = PriceTable::Embedded();
  ASSERT_FALSE(t.models().empty()) << "data/prices.json did not parse";
  for (const char* id :
       {"claude-sonnet-4-20250514", "claude-sonnet-4-5-20250929",
        "claude-opus-4-20250514", "claude-opus-4-1-20250805",
        "claude-opus-4-5-20251101", "claude-opus-4-6",
        "claude-haiku-4-5-20251001", "claude-3-5-haiku-20241022",
        "claude-3-7-sonnet-20250219", "<synthetic>"}) {
    EXPECT_NE(t.Find(id), nullptr) << id;
  }
  // The reference fixture's rates (PRICING.md): Sonnet 4 at $3 / $15.
  const ModelPrices* sonnet = t.Find("claude-sonnet-4-20250514");
  ASSERT_NE(sonnet, nullptr);
  EXPECT_EQ(sonnet->rows.back().rates,
            (Rates{3 * kMicro, 15 * kMicro, 3750, 6 * kMicro, 300}));
}

}  // namespace
}  // namespace cc
