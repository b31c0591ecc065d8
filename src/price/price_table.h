// PriceTable: what one API request costs, per model, as of a date.
//
// Prices are held as integer nano-dollars (1e-9 USD) per token, so a cost
// is an exact integer and sums do not depend on the order they are added in
// (a float sum does). The rules (docs/pricing.md):
//  - each token kind has its rate: input, output, cache write 5 minutes,
//    cache write 1 hour, cache read; web search is charged per request;
//  - a tier ("above_prompt_tokens") reprices every token of a request whose
//    prompt (input + cache write + cache read) exceeds its threshold;
//  - fast mode (`usage.speed == "fast"`) multiplies every token rate;
//  - US-only inference (`usage.inference_geo == "us"`) multiplies the token
//    cost again (1.1x), except on the models the table lists as billed at
//    the standard rate (those released before Opus 4.6);
//  - a model's rows carry an effective_from date; an event pays the row in
//    force on its UTC date;
//  - a model the table does not know has no price: Cost::known is false.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/result.h"
#include "core/tokens.h"

namespace cc {

constexpr int64_t kNanoPerDollar = 1'000'000'000;
// No real request costs this much (a full 1M-token prompt at fast-mode
// rates is well under a hundred dollars); a cost above it comes from corrupt
// counts (the parser admits up to 2^40 tokens a field) and is capped so
// that sums over millions of events stay far from int64's limit.
constexpr int64_t kMaxRequestCostNano = 1'000 * kNanoPerDollar;

struct Rates {  // Nano-dollars per token.
  int64_t input = 0;
  int64_t output = 0;
  int64_t cache_write_5m = 0;
  int64_t cache_write_1h = 0;
  int64_t cache_read = 0;

  bool operator==(const Rates&) const = default;
};

struct PriceTier {
  uint64_t above_prompt_tokens = 0;  // Applies when prompt > this.
  Rates rates;
};

struct PriceRow {
  int64_t effective_from_day = 0;  // Days since the epoch (UTC).
  Rates rates;
  std::vector<PriceTier> tiers;        // Ascending thresholds.
  int64_t web_search_per_request = 0;  // Nano-dollars.
  // 1 = no fast mode surcharge; 0 = not stated (a LiteLLM entry): an
  // overlay keeps the multiplier of the model it replaces.
  int64_t fast_multiplier = 1;
  std::string source;
};

struct ModelPrices {
  std::string id;  // Canonical, undated, lower case.
  std::vector<std::string> aliases;
  std::string name;
  std::vector<PriceRow> rows;  // Ascending effective_from_day.
};

// US-only inference: the table's multiplier, in thousandths (1100 = 1.1x;
// 1000 = none), and the models it does not apply to (canonical ids).
struct UsInference {
  int64_t multiplier_milli = 1000;
  std::vector<std::string> standard_rate_models;
  bool stated = false;  // The file said it (an overlay without it keeps ours).
};

struct Cost {
  bool known = false;  // False: the model has no price.
  int64_t nano = 0;
};

// The request's billable parts, for display and tests.
struct CostInput {
  const Tokens& tokens;
  std::string_view model;
  std::string_view speed;  // "fast" or empty/"standard".
  int64_t timestamp_ms = 0;
  std::string_view inference_geo = {};  // "us" or empty/"global"/...
};

// What prices an event: its tokens, model, speed, time and inference geo.
inline CostInput CostInputOf(const Event& e) {
  return CostInput{e.tokens, e.attributes.model, e.attributes.speed,
                   e.first.timestamp_ms, e.attributes.inference_geo};
}

class PriceTable {
 public:
  // The table compiled into the program from data/prices.json.
  static const PriceTable& Embedded();

  // Parses our format ("format": "context-cleaner-prices/1") or LiteLLM's
  // model_prices_and_context_window.json. `origin` names the text in errors.
  static Result<PriceTable> Parse(std::string_view json,
                                  const std::string& origin);
  static Result<PriceTable> Load(const std::string& path);

  // Models in `other` replace ours with the same id or alias; new ones are
  // added. The version becomes "ours+theirs".
  void Overlay(const PriceTable& other);

  // nullptr when the model is unknown.
  const ModelPrices* Find(std::string_view model) const;
  Cost CostOf(const CostInput& in) const;

  // Names this table's contents: the file's version, plus a hash of any
  // overlay. Stored with each event's cost.
  const std::string& version() const { return version_; }
  const std::vector<ModelPrices>& models() const { return models_; }
  const UsInference& us_inference() const { return us_inference_; }

  // Lower case; "[1m]", provider prefixes ("anthropic/", "us.anthropic.")
  // and suffixes ("-v1:0") removed; "@2025..." becomes "-2025...".
  static std::string NormalizeModel(std::string_view model);

 private:
  void Index();
  // `nano` (the token cost) with the US-only surcharge if it applies.
  int64_t WithUsInference(int64_t nano, const ModelPrices& m,
                          std::string_view geo) const;

  std::string version_;
  std::vector<ModelPrices> models_;
  UsInference us_inference_;
  std::map<std::string, size_t, std::less<>> by_name_;  // id/alias -> model.
};

// "$1.234567" style: dollars with `decimals` places (rounded half up).
std::string FormatDollars(int64_t nano, int decimals);
// Nano-dollars as a JSON number in dollars, exact to the nano-dollar
// ("2.81752335").
std::string DollarsJsonNumber(int64_t nano);

}  // namespace cc
