#include "budget/budget_config.h"

namespace cc {

const char* BudgetPeriodName(BudgetPeriod period) {
  switch (period) {
    case BudgetPeriod::kDay: return "day";
    case BudgetPeriod::kWeek: return "week";
    case BudgetPeriod::kMonth: return "month";
    case BudgetPeriod::kBlock: return "block";
  }
  return "day";
}

Result<BudgetConfig> ParseBudgetConfig(const std::string&, std::string_view,
                                       std::string_view) {
  return BudgetConfig{};
}

Result<Budget> ParseBudgetFlag(std::string_view) {
  return Status::NotSupported("--budget: not yet");
}

Status NameBudgets(std::vector<Budget>*,
                   const std::function<std::string(size_t)>&) {
  return Status::Ok();
}

}  // namespace cc
