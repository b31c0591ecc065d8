#include "statusline/budget_segment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/terminal_text.h"

namespace cc {
namespace {

// "$12.40", "$125" (as the other segments write dollars).
std::string Dollars(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, usd >= 100 ? "$%.0f" : "$%.2f", usd);
  return buf;
}

// A limit as the user wrote it: "20", "20.50".
std::string Limit(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, usd == std::floor(usd) ? "%.0f" : "%.2f", usd);
  return buf;
}

// "950", "1.2k", "5.0M", "1.1B".
std::string TokenCount(double n) {
  char buf[32];
  if (n >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.1fB", n / 1e9);
  } else if (n >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  } else if (n >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  }
  return buf;
}

// Whole percent, rounded down: "100%" only once the limit is reached. A
// hair is added first: $0.078 of $0.05 is 155.99999999999997 % in binary.
std::string Percent(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", std::floor(std::max(0.0, pct) + 1e-9));
  return buf;
}

BudgetSegment::Level LevelOf(const BudgetStatus& s) {
  if (s.over()) return BudgetSegment::Level::kOver;
  const std::vector<int>& t = s.budget.thresholds;
  const bool crossed = !t.empty() && s.percent >= *std::min_element(t.begin(), t.end());
  const bool on_pace_over = s.projected && *s.projected >= s.limit;
  return crossed || on_pace_over ? BudgetSegment::Level::kWarn : BudgetSegment::Level::kUnder;
}

}  // namespace

const BudgetStatus* MostUsedBudget(const std::vector<BudgetStatus>& statuses) {
  const BudgetStatus* best = nullptr;
  for (const BudgetStatus& s : statuses) {
    if (!s.active || !s.problem.empty()) continue;
    if (best == nullptr || s.percent > best->percent) best = &s;
  }
  return best;
}

std::optional<BudgetSegment> BudgetSegmentOf(const std::vector<BudgetStatus>& statuses) {
  const BudgetStatus* s = MostUsedBudget(statuses);
  if (s == nullptr) return std::nullopt;
  BudgetSegment out;
  out.text = TerminalSafe(s->budget.name).append(" ");
  if (s->budget.in_tokens()) {
    out.text.append(TokenCount(s->spent)).append("/").append(TokenCount(s->limit)).append(" tok");
  } else {
    out.text.append(Dollars(s->spent)).append("/").append(Limit(s->limit));
  }
  out.text.append(" ").append(Percent(s->percent));
  out.level = LevelOf(*s);
  return out;
}

}  // namespace cc
