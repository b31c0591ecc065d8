// The config file: a JSON object of settings a user would otherwise pass as
// flags every time. Flags win over it. Keys: "prices", "timezone", "startOfWeek",
// "ledger", "source", "clickhouse", "cluster", "projectAliases" (ccusage's
// "name-or-path=Alias,..." list), "statuslineSegments",
// "statuslineThresholds" (strings); "budgets" and "alerts" (JSON, kept as
// their text for budget/budget_config.h). An unknown key or a non-string
// is an error that names it; a missing default file is not.
#pragma once

#include <map>
#include <string>

#include "core/result.h"

namespace cc::cli {

using ConfigValues = std::map<std::string, std::string>;

Result<ConfigValues> ReadConfigFile(const std::string& path, bool must_exist);

}  // namespace cc::cli
