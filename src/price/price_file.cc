// Reading price tables: our format and LiteLLM's. See price_table.h.
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/civil_time.h"
#include "core/fnv1a.h"
#include "price/price_table.h"

namespace cc {
namespace {

namespace dom = simdjson::dom;

constexpr std::string_view kOurFormat = "context-cleaner-prices/1";

// A price as a JSON number times `scale` (1e3 for $/MTok, 1e9 for $/token),
// rounded to the nearest nano-dollar.
Result<int64_t> ReadPrice(dom::element v, const std::string& where,
                          double scale) {
  double d = 0;
  if (v.get_double().get(d)) {
    return Status::InvalidArgument(where + ": not a number");
  }
  if (!std::isfinite(d) || d < 0 || d * scale > 9e15) {
    return Status::InvalidArgument(where + ": not a price (" +
                                   std::to_string(d) + ")");
  }
  return static_cast<int64_t>(std::llround(d * scale));
}

// Reads the five token rates of `obj` ($/MTok).
Status ReadRates(dom::object obj, const std::string& where, Rates* out) {
  struct Field {
    const char* name;
    int64_t* slot;
  } fields[] = {{"input", &out->input},
                {"output", &out->output},
                {"cache_write_5m", &out->cache_write_5m},
                {"cache_write_1h", &out->cache_write_1h},
                {"cache_read", &out->cache_read}};
  for (const Field& f : fields) {
    dom::element v;
    if (obj[f.name].get(v)) {
      return Status::InvalidArgument(where + ": missing \"" + f.name + "\"");
    }
    Result<int64_t> p = ReadPrice(v, where + "." + f.name, 1e3);
    if (!p.ok()) return p.status();
    *f.slot = *p;
  }
  return Status::Ok();
}

std::string GetString(dom::object obj, const char* key) {
  std::string_view s;
  if (obj[key].get_string().get(s)) return "";
  return std::string(s);
}

Status ReadTiers(dom::object row, const std::string& where, PriceRow* out) {
  dom::array tiers;
  if (row["tiers"].get_array().get(tiers)) return Status::Ok();
  size_t i = 0;
  for (dom::element t : tiers) {
    const std::string at = where + ".tiers[" + std::to_string(i++) + "]";
    dom::object obj;
    if (t.get_object().get(obj)) {
      return Status::InvalidArgument(at + ": not an object");
    }
    PriceTier tier;
    if (obj["above_prompt_tokens"].get_uint64().get(tier.above_prompt_tokens)) {
      return Status::InvalidArgument(at + ": missing \"above_prompt_tokens\"");
    }
    if (Status s = ReadRates(obj, at, &tier.rates); !s.ok()) return s;
    out->tiers.push_back(tier);
  }
  std::sort(out->tiers.begin(), out->tiers.end(),
            [](const PriceTier& a, const PriceTier& b) {
              return a.above_prompt_tokens < b.above_prompt_tokens;
            });
  return Status::Ok();
}

Result<PriceRow> ReadRow(dom::object obj, const std::string& where) {
  PriceRow row;
  std::optional<int64_t> day = ParseDate(GetString(obj, "effective_from"));
  if (!day) {
    return Status::InvalidArgument(where +
                                   ": \"effective_from\" is not a date");
  }
  row.effective_from_day = *day;
  if (Status s = ReadRates(obj, where, &row.rates); !s.ok()) return s;
  if (Status s = ReadTiers(obj, where, &row); !s.ok()) return s;
  dom::element v;
  if (!obj["web_search"].get(v)) {
    // $ per 1,000 requests -> nano-dollars per request.
    Result<int64_t> p = ReadPrice(v, where + ".web_search", 1e6);
    if (!p.ok()) return p.status();
    row.web_search_per_request = *p;
  }
  if (!obj["fast_multiplier"].get(v)) {
    uint64_t m = 0;
    if (v.get_uint64().get(m) || m == 0 || m > 100) {
      return Status::InvalidArgument(
          where + ".fast_multiplier: not a whole number from 1 to 100");
    }
    row.fast_multiplier = static_cast<int64_t>(m);
  }
  row.source = GetString(obj, "source");
  return row;
}

Result<ModelPrices> ReadModel(dom::object obj, const std::string& where) {
  ModelPrices m;
  m.id = GetString(obj, "id");
  if (m.id.empty()) return Status::InvalidArgument(where + ": missing \"id\"");
  m.name = GetString(obj, "name");
  const std::string at = where + " (" + m.id + ")";
  dom::array aliases;
  if (!obj["aliases"].get_array().get(aliases)) {
    for (dom::element a : aliases) {
      std::string_view s;
      if (a.get_string().get(s)) {
        return Status::InvalidArgument(at + ".aliases: not a string");
      }
      m.aliases.emplace_back(s);
    }
  }
  dom::array prices;
  if (obj["prices"].get_array().get(prices) || prices.size() == 0) {
    return Status::InvalidArgument(at +
                                   ": \"prices\" must be a non-empty "
                                   "array");
  }
  size_t i = 0;
  for (dom::element p : prices) {
    const std::string row_at = at + ".prices[" + std::to_string(i++) + "]";
    dom::object row_obj;
    if (p.get_object().get(row_obj)) {
      return Status::InvalidArgument(row_at + ": not an object");
    }
    Result<PriceRow> row = ReadRow(row_obj, row_at);
    if (!row.ok()) return row.status();
    m.rows.push_back(std::move(*row));
  }
  std::stable_sort(m.rows.begin(), m.rows.end(),
                   [](const PriceRow& a, const PriceRow& b) {
                     return a.effective_from_day < b.effective_from_day;
                   });
  return m;
}

Result<std::vector<ModelPrices>> ReadOurFormat(dom::object root,
                                               const std::string& origin) {
  dom::array models;
  if (root["models"].get_array().get(models)) {
    return Status::InvalidArgument(origin + ": missing \"models\" array");
  }
  std::vector<ModelPrices> out;
  size_t i = 0;
  for (dom::element m : models) {
    const std::string at = origin + ": models[" + std::to_string(i++) + "]";
    dom::object obj;
    if (m.get_object().get(obj)) {
      return Status::InvalidArgument(at + ": not an object");
    }
    Result<ModelPrices> model = ReadModel(obj, at);
    if (!model.ok()) return model.status();
    out.push_back(std::move(*model));
  }
  return out;
}

// LiteLLM: {"claude-sonnet-4-20250514": {"input_cost_per_token": 3e-06, ...}}
// in dollars per token. Only Claude models are taken.
std::optional<int64_t> LiteLlmPrice(dom::object entry, const char* key,
                                    double scale) {
  double d = 0;
  if (entry[key].get_double().get(d) || !std::isfinite(d) || d < 0) {
    return std::nullopt;
  }
  return static_cast<int64_t>(std::llround(d * scale));
}

std::optional<ModelPrices> LiteLlmModel(std::string_view key,
                                        dom::object entry) {
  const std::string id = PriceTable::NormalizeModel(key);
  if (id.find("claude") == std::string::npos) return std::nullopt;
  std::optional<int64_t> input =
      LiteLlmPrice(entry, "input_cost_per_token", 1e9);
  std::optional<int64_t> output =
      LiteLlmPrice(entry, "output_cost_per_token", 1e9);
  if (!input || !output) return std::nullopt;
  PriceRow row;
  row.rates.input = *input;
  row.rates.output = *output;
  // Anthropic's multipliers where the file leaves a rate out: cache write
  // 1.25x (5 min) and 2x (1 h) input, cache read 0.1x input.
  row.rates.cache_write_5m =
      LiteLlmPrice(entry, "cache_creation_input_token_cost", 1e9)
          .value_or(*input * 5 / 4);
  row.rates.cache_write_1h =
      LiteLlmPrice(entry, "cache_creation_input_token_cost_above_1hr", 1e9)
          .value_or(*input * 2);
  row.rates.cache_read = LiteLlmPrice(entry, "cache_read_input_token_cost", 1e9)
                             .value_or(*input / 10);
  if (std::optional<int64_t> in200 =
          LiteLlmPrice(entry, "input_cost_per_token_above_200k_tokens", 1e9)) {
    PriceTier tier;
    tier.above_prompt_tokens = 200000;
    tier.rates.input = *in200;
    tier.rates.output =
        LiteLlmPrice(entry, "output_cost_per_token_above_200k_tokens", 1e9)
            .value_or(row.rates.output);
    tier.rates.cache_write_5m =
        LiteLlmPrice(entry, "cache_creation_input_token_cost_above_200k_tokens",
                     1e9)
            .value_or(*in200 * 5 / 4);
    tier.rates.cache_write_1h = *in200 * 2;
    tier.rates.cache_read =
        LiteLlmPrice(entry, "cache_read_input_token_cost_above_200k_tokens",
                     1e9)
            .value_or(*in200 / 10);
    row.tiers.push_back(tier);
  }
  dom::object search;
  if (!entry["search_context_cost_per_query"].get_object().get(search)) {
    row.web_search_per_request =
        LiteLlmPrice(search, "search_context_size_medium", 1e9).value_or(0);
  }
  row.fast_multiplier = 0;  // LiteLLM does not say; an overlay keeps ours.
  row.source = "LiteLLM entry \"" + std::string(key) + "\"";
  ModelPrices m;
  m.id = id;
  m.name = std::string(key);
  m.rows.push_back(std::move(row));
  return m;
}

std::vector<ModelPrices> ReadLiteLlm(dom::object root) {
  std::vector<ModelPrices> out;
  std::map<std::string, size_t> seen;
  for (dom::key_value_pair kv : root) {
    dom::object entry;
    if (kv.value.get_object().get(entry)) continue;
    std::optional<ModelPrices> m = LiteLlmModel(kv.key, entry);
    if (!m) continue;
    // The first-party entry wins over resellers' copies of the same id.
    const bool first_party =
        GetString(entry, "litellm_provider") == "anthropic";
    auto it = seen.find(m->id);
    if (it == seen.end()) {
      seen[m->id] = out.size();
      out.push_back(std::move(*m));
    } else if (first_party) {
      out[it->second] = std::move(*m);
    }
  }
  return out;
}

// "us_inference": {"multiplier": 1.1, "standard_rate_models": [ids], ...}
// (optional: without it US-only requests cost the standard rate).
Result<UsInference> ReadUsInference(dom::object root, const std::string& origin,
                                    const PriceTable& table) {
  UsInference us;
  dom::object obj;
  if (root["us_inference"].get_object().get(obj)) return us;
  const std::string at = origin + ": us_inference";
  double m = 0;
  if (obj["multiplier"].get_double().get(m) || !std::isfinite(m) || m < 1 ||
      m > 10) {
    return Status::InvalidArgument(
        at + ".multiplier: not a number from 1 to 10");
  }
  us.multiplier_milli = static_cast<int64_t>(std::llround(m * 1000));
  dom::array ids;
  if (!obj["standard_rate_models"].get_array().get(ids)) {
    for (dom::element e : ids) {
      std::string_view id;
      const ModelPrices* model =
          e.get_string().get(id) ? nullptr : table.Find(id);
      if (model == nullptr) {
        return Status::InvalidArgument(
            at + ".standard_rate_models: \"" + std::string(id) +
            "\" is not a model of this table");
      }
      us.standard_rate_models.push_back(model->id);
    }
  }
  us.stated = true;
  return us;
}

std::string Hex(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4)
    s[static_cast<size_t>(i)] = digits[v & 15];
  return s;
}

}  // namespace

Result<PriceTable> PriceTable::Parse(std::string_view json,
                                     const std::string& origin) {
  dom::parser parser;
  dom::element root;
  if (auto err = parser.parse(json.data(), json.size()).get(root)) {
    return Status::InvalidArgument(origin + ": not JSON (" +
                                   simdjson::error_message(err) + ")");
  }
  dom::object obj;
  if (root.get_object().get(obj)) {
    return Status::InvalidArgument(origin + ": not a JSON object");
  }
  PriceTable table;
  std::string_view format;
  if (!obj["format"].get_string().get(format)) {
    if (format != kOurFormat) {
      return Status::InvalidArgument(origin + ": unknown format \"" +
                                     std::string(format) + "\" (expected " +
                                     std::string(kOurFormat) + ")");
    }
    Result<std::vector<ModelPrices>> models = ReadOurFormat(obj, origin);
    if (!models.ok()) return models.status();
    table.models_ = std::move(*models);
    table.Index();
    Result<UsInference> us = ReadUsInference(obj, origin, table);
    if (!us.ok()) return us.status();
    table.us_inference_ = std::move(*us);
    std::string v = GetString(obj, "version");
    table.version_ = v.empty() ? "unversioned" : v;
  } else {
    table.models_ = ReadLiteLlm(obj);
    if (table.models_.empty()) {
      return Status::InvalidArgument(
          origin + ": neither our price format (\"format\": \"" +
          std::string(kOurFormat) +
          "\") nor a LiteLLM price file with Claude models");
    }
    table.version_ = "litellm";
  }
  // The content names the version too: two different files never share it.
  table.version_ += "#" + Hex(Fnv1a64(json.data(), json.size())).substr(0, 8);
  table.Index();
  return table;
}

Result<PriceTable> PriceTable::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidArgument("--prices: " + path +
                                   " is not a readable file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("--prices: cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

}  // namespace cc
