#include "cli/config_file.h"

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cc::cli {

Result<ConfigValues> ReadConfigFile(const std::string& path, bool must_exist) {
  std::error_code ec;
  const bool is_file = std::filesystem::is_regular_file(path, ec);
  if (!is_file && std::filesystem::exists(path, ec)) {
    return Status::InvalidArgument("--config: " + path + " is not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!is_file || !in) {
    if (!must_exist) return ConfigValues{};
    return Status::InvalidArgument("--config: cannot read " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (auto err = parser.parse(json).get_object().get(obj)) {
    return Status::InvalidArgument(path + ": not a JSON object (" +
                                   simdjson::error_message(err) + ")");
  }
  ConfigValues out;
  for (simdjson::dom::key_value_pair kv : obj) {
    const std::string key(kv.key);
    if (key != "prices" && key != "timezone" && key != "ledger" &&
        key != "source" && key != "clickhouse" && key != "cluster" &&
        key != "startOfWeek" && key != "projectAliases" &&
        key != "statuslineSegments" && key != "statuslineThresholds" &&
        key != "budgets" && key != "alerts") {
      return Status::InvalidArgument(path + ": unknown setting \"" + key +
                                     "\" (known: prices, timezone, startOfWeek, ledger, "
                                     "source, clickhouse, cluster, "
                                     "projectAliases, statuslineSegments, "
                                     "statuslineThresholds, budgets, alerts)");
    }
    // Budgets and alerts are JSON of their own (budget/budget_config.h
    // reads and checks them): kept as its text.
    if (key == "budgets" || key == "alerts") {
      out[key] = simdjson::minify(kv.value);
      continue;
    }
    std::string_view value;
    if (kv.value.get_string().get(value)) {
      return Status::InvalidArgument(path + ": \"" + key +
                                     "\" must be a string");
    }
    out[key] = std::string(value);
  }
  return out;
}

}  // namespace cc::cli
