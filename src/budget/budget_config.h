// Budgets and alert settings: the config file's "budgets" array and
// "alerts" object (docs/budgets.md), and the --budget flag of the reports.
//
// Pure: JSON text in, values or a precise error out. Every error names the
// file, the JSON path ("budgets[2].usd") and why; the CLI exits 2 on it.
// A webhook URL may hold a secret: no message quotes it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "budget/alert.h"
#include "core/result.h"

namespace cc {

enum class BudgetPeriod { kDay, kWeek, kMonth, kBlock };

// "day", "week", "month", "block".
const char* BudgetPeriodName(BudgetPeriod period);

struct Budget {
  // Unique among the budgets; part of every alert's id. When the config
  // gives none: the period, then the project and the source if any
  // ("month", "week ~/work/billing", "day @laptop").
  std::string name;
  BudgetPeriod period = BudgetPeriod::kDay;
  // Exactly one of the two is set.
  std::optional<double> usd;      // Dollars, > 0.
  std::optional<int64_t> tokens;  // Tokens (Tokens::Total()), > 0.
  // Percentages of the limit (1..1000), ascending, distinct; each fires
  // once per period when spend reaches it.
  std::vector<int> thresholds = {50, 80, 100};
  std::string project;  // As the CLI's --project takes it; "" = all.
  std::string source;   // One machine label; "" = all.

  bool in_tokens() const { return tokens.has_value(); }
  const char* unit() const { return in_tokens() ? "tokens" : "usd"; }
  double limit() const {
    return in_tokens() ? static_cast<double>(*tokens) : usd.value_or(0);
  }
};

// The anomaly rule (docs/budgets.md): an hour's (a day's) cost above
// median + k * MAD of the same hour of day (the daily totals) over the
// previous 14 days, and above min_usd.
struct AnomalySettings {
  bool enabled = true;
  double k = 5;
  double min_usd = 1;
};

struct AlertSettings {
  AlertChannels channels;
  bool projection = true;  // Projection alerts (docs/budgets.md).
  AnomalySettings anomaly;
};

struct BudgetConfig {
  std::vector<Budget> budgets;
  AlertSettings alerts;
};

// The config file's "budgets" and "alerts" values as JSON text ("" when
// the file has none); `file` names the file in errors:
// "/x/config.json: budgets[2].usd: must be more than 0 (got -5)".
Result<BudgetConfig> ParseBudgetConfig(const std::string& file,
                                       std::string_view budgets_json,
                                       std::string_view alerts_json);

// One --budget flag: PERIOD:UNIT=AMOUNT[,KEY=VALUE...], UNIT usd or
// tokens, KEY name, project, source or thresholds (percentages joined by
// '/'): "day:usd=20", "month:tokens=5000000",
// "week:usd=60,project=~/work/billing,thresholds=80/100". Errors name
// --budget and the part.
Result<Budget> ParseBudgetFlag(std::string_view text);

// Fills in the names the budgets lack and refuses two with one name
// (`where(i)` names budget i in the message: "budgets[3]", "--budget
// 'day:usd=5'").
Status NameBudgets(std::vector<Budget>* budgets,
                   const std::function<std::string(size_t)>& where);

}  // namespace cc
