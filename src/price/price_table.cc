#include "price/price_table.h"

#include <algorithm>
#include <cctype>

#include "core/civil_time.h"

namespace cc {
namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

bool StripPrefix(std::string& s, std::string_view prefix) {
  if (s.rfind(prefix, 0) != 0) return false;
  s.erase(0, prefix.size());
  return true;
}

bool StripSuffix(std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size() ||
      s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return false;
  }
  s.resize(s.size() - suffix.size());
  return true;
}

// "claude-sonnet-4-20250514" -> "claude-sonnet-4"; nullopt if undated.
std::optional<std::string> WithoutDate(const std::string& id) {
  size_t dash = id.rfind('-');
  if (dash == std::string::npos) return std::nullopt;
  std::string_view tail(id.data() + dash + 1, id.size() - dash - 1);
  if (tail.size() != 8 || !IsDigits(tail)) return std::nullopt;
  return id.substr(0, dash);
}

// a * b with a ≥ 0, b ≥ 0, saturating instead of overflowing.
int64_t Times(uint64_t count, int64_t rate) {
  if (count == 0 || rate <= 0) return 0;
  const auto r = static_cast<uint64_t>(rate);
  if (count > static_cast<uint64_t>(INT64_MAX) / r) return INT64_MAX;
  return static_cast<int64_t>(count * r);
}

int64_t Plus(int64_t a, int64_t b) {
  return a > INT64_MAX - b ? INT64_MAX : a + b;
}

const PriceRow& RowInForce(const ModelPrices& m, int64_t day) {
  const PriceRow* chosen = &m.rows.front();
  for (const PriceRow& r : m.rows) {
    if (r.effective_from_day <= day) chosen = &r;
  }
  return *chosen;
}

}  // namespace

std::string PriceTable::NormalizeModel(std::string_view model) {
  std::string s(model);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  StripSuffix(s, "[1m]");
  // Provider prefixes (LiteLLM keys, Bedrock and Vertex ids).
  for (std::string_view p : {"openrouter/", "bedrock/", "vertex_ai/"}) {
    StripPrefix(s, p);
  }
  StripPrefix(s, "anthropic/");
  for (std::string_view region : {"us.", "eu.", "apac.", "global."}) {
    if (s.rfind(std::string(region) + "anthropic.", 0) == 0) {
      s.erase(0, region.size());
      break;
    }
  }
  StripPrefix(s, "anthropic.");
  // Bedrock's "-v1:0"; Vertex's "@20250514".
  if (size_t v = s.rfind("-v");
      v != std::string::npos && s.find(':', v) != std::string::npos) {
    s.resize(v);
  }
  if (size_t at = s.find('@'); at != std::string::npos) s[at] = '-';
  return s;
}

void PriceTable::Index() {
  by_name_.clear();
  for (size_t i = 0; i < models_.size(); ++i) {
    by_name_[NormalizeModel(models_[i].id)] = i;
    for (const std::string& a : models_[i].aliases) {
      by_name_[NormalizeModel(a)] = i;
    }
  }
}

void PriceTable::Overlay(const PriceTable& other) {
  for (const ModelPrices& m : other.models_) {
    const ModelPrices* existing = Find(m.id);
    for (size_t a = 0; existing == nullptr && a < m.aliases.size(); ++a) {
      existing = Find(m.aliases[a]);
    }
    if (existing == nullptr) {
      models_.push_back(m);
    } else {
      // Same model: the new rows win; every name either side used stays.
      ModelPrices& mine =
          models_[static_cast<size_t>(existing - models_.data())];
      const int64_t fast =
          mine.rows.empty() ? 1 : mine.rows.back().fast_multiplier;
      mine.rows = m.rows;
      for (PriceRow& r : mine.rows) {
        if (r.fast_multiplier == 0) r.fast_multiplier = fast;
      }
      if (!m.name.empty()) mine.name = m.name;
      mine.aliases.push_back(m.id);
      mine.aliases.insert(mine.aliases.end(), m.aliases.begin(),
                          m.aliases.end());
    }
    Index();
  }
  if (other.us_inference_.stated) us_inference_ = other.us_inference_;
  version_ += "+" + other.version_;
}

const ModelPrices* PriceTable::Find(std::string_view model) const {
  std::string id = NormalizeModel(model);
  if (auto it = by_name_.find(id); it != by_name_.end()) {
    return &models_[it->second];
  }
  if (std::optional<std::string> undated = WithoutDate(id)) {
    if (auto it = by_name_.find(*undated); it != by_name_.end()) {
      return &models_[it->second];
    }
  }
  return nullptr;
}

int64_t PriceTable::WithUsInference(int64_t nano, const ModelPrices& m,
                                    std::string_view geo) const {
  const UsInference& us = us_inference_;
  if (geo != "us" || us.multiplier_milli == 1000) return nano;
  for (const std::string& id : us.standard_rate_models) {
    if (id == m.id) return nano;
  }
  if (nano > (INT64_MAX - 500) / us.multiplier_milli) return INT64_MAX;
  return (nano * us.multiplier_milli + 500) / 1000;  // Half a nano-dollar up.
}

Cost PriceTable::CostOf(const CostInput& in) const {
  const ModelPrices* m = Find(in.model);
  if (m == nullptr || m->rows.empty()) return Cost{};
  const PriceRow& row = RowInForce(*m, UtcDayOfMs(in.timestamp_ms));
  const Tokens& t = in.tokens;
  // The 5m/1h split, when written, says which part was which; anything
  // the split does not cover was written at the 5-minute rate.
  const uint64_t write_1h = std::min(t.cache_creation_1h, t.cache_creation);
  const uint64_t write_5m = t.cache_creation - write_1h;
  const uint64_t prompt = t.input + t.cache_creation + t.cache_read;

  Rates r = row.rates;
  for (const PriceTier& tier : row.tiers) {
    if (prompt > tier.above_prompt_tokens) r = tier.rates;
  }
  const int64_t fast =
      in.speed == "fast" ? std::max<int64_t>(1, row.fast_multiplier) : 1;
  int64_t nano = 0;
  nano = Plus(nano, Times(t.input, r.input));
  nano = Plus(nano, Times(t.output, r.output));
  nano = Plus(nano, Times(write_5m, r.cache_write_5m));
  nano = Plus(nano, Times(write_1h, r.cache_write_1h));
  nano = Plus(nano, Times(t.cache_read, r.cache_read));
  if (fast > 1) nano = nano > INT64_MAX / fast ? INT64_MAX : nano * fast;
  nano = WithUsInference(nano, *m, in.inference_geo);
  nano = Plus(nano, Times(t.web_search_requests, row.web_search_per_request));
  return Cost{true, std::min(nano, kMaxRequestCostNano)};
}

std::string FormatDollars(int64_t nano, int decimals) {
  const bool negative = nano < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-(nano + 1)) + 1
                        : static_cast<uint64_t>(nano);
  uint64_t scale = 1;
  for (int i = decimals; i < 9; ++i) scale *= 10;
  v = (v + scale / 2) / scale;  // Units of 10^-decimals dollars.
  uint64_t unit = 1;
  for (int i = 0; i < decimals; ++i) unit *= 10;
  std::string out = negative ? "-$" : "$";
  out += std::to_string(v / unit);
  if (decimals > 0) {
    std::string frac = std::to_string(v % unit);
    // Appended piece by piece: g++ 12 -O2 warns falsely (-Wrestrict) on
    // chains of `"literal" + std::string`.
    out.push_back('.');
    out.append(static_cast<size_t>(decimals) - frac.size(), '0');
    out.append(frac);
  }
  return out;
}

std::string DollarsJsonNumber(int64_t nano) {
  std::string s = FormatDollars(nano, 9);
  if (size_t dollar = s.find('$'); dollar != std::string::npos) {
    s.erase(dollar, 1);
  }
  // Trim trailing zeros of the fraction (and the point if nothing is left).
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace cc
