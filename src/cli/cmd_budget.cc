// report budget, and --fail-over-budget on every report: where each budget
// stands in its current period (budget/budget_status.h).
#include <chrono>
#include <cstdio>

#include "budget/budget_render.h"
#include "budget/budget_status.h"
#include "cli/budget_setup.h"
#include "cli/commands.h"
#include "core/terminal_text.h"
#include "ledger/ledger_reader.h"

namespace cc::cli {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What a budget report reads, checked from the flags and the config.
struct BudgetRequest {
  std::vector<Budget> budgets;
  BudgetCalendar calendar;
  ProjectLookup projects;
};

Result<BudgetRequest> ParseBudgetRequest(const Context& ctx, const ParsedArgs& args) {
  BudgetRequest r;
  Result<std::vector<Budget>> budgets = BudgetsOf(ctx, args);
  if (!budgets.ok()) return budgets.status();
  r.budgets = std::move(*budgets);
  Result<BudgetCalendar> calendar = BudgetCalendarOf(ctx, args);
  if (!calendar.ok()) return calendar.status();
  r.calendar = std::move(*calendar);
  Result<ProjectLookup> projects = ProjectLookupOf(ctx, args);
  if (!projects.ok()) return projects.status();
  r.projects = std::move(*projects);
  return r;
}

Result<std::vector<BudgetStatus>> StatusOf(const Context& ctx,
                                           const BudgetRequest& r, int64_t now_ms) {
  Result<std::unique_ptr<LedgerReader>> ledger =
      LedgerReader::Open(ctx.ledger_path, ctx.prices.get());
  if (!ledger.ok()) return ledger.status();
  return ReadBudgetStatus(**ledger, r.budgets, ctx.budgets.alerts, r.calendar,
                          now_ms, r.projects);
}

constexpr const char* kNoBudgets =
    "no budgets: add \"budgets\" to the config file or pass --budget "
    "PERIOD:usd=N (docs/budgets.md)";

// Exit 1 naming each budget at or over its limit; 0 when none is.
int SayOverBudget(const std::vector<BudgetStatus>& statuses) {
  if (!AnyOverBudget(statuses)) return kExitOk;
  for (const BudgetStatus& s : statuses) {
    if (!s.over()) continue;
    std::fprintf(stderr, "context-cleaner: over budget: %s\n",
                 TerminalSafe(OverBudgetLine(s)).c_str());
  }
  return kExitCheckFailed;
}

}  // namespace

int RunReportBudget(const Context& ctx, const ParsedArgs& args) {
  Result<BudgetRequest> request = ParseBudgetRequest(ctx, args);
  if (!request.ok()) return ErrorExit(request.status());
  if (request->budgets.empty()) {
    if (args.Has("--fail-over-budget")) {
      return ErrorExit(Status::InvalidArgument("--fail-over-budget: " +
                                               std::string(kNoBudgets)));
    }
    PrintOut(std::string("No budgets: add \"budgets\" to the config file or "
                         "pass --budget PERIOD:usd=N (docs/budgets.md).\n"));
    return kExitOk;
  }
  BudgetRenderOptions opt;
  opt.zone = request->calendar.zone;
  opt.color = ctx.color;
  opt.width = TerminalWidth();
  opt.now_ms = NowMs();
  Result<std::vector<BudgetStatus>> statuses = StatusOf(ctx, *request, opt.now_ms);
  if (!statuses.ok()) return ErrorExit(statuses.status());
  if (args.Has("--json")) {
    PrintOut(BudgetStatusJson(*statuses, opt));
  } else {
    PrintTable(BudgetStatusTable(*statuses, opt));
  }
  return args.Has("--fail-over-budget") ? SayOverBudget(*statuses) : kExitOk;
}

int WithBudgetCheck(const Context& ctx, const ParsedArgs& args,
                    const std::function<int()>& report) {
  if (!args.Has("--fail-over-budget")) {
    if (args.Has("--budget")) {
      PrintError("--budget: goes with --fail-over-budget here (or use "
                 "`report budget`)");
      return kExitUsage;
    }
    return report();
  }
  Result<BudgetRequest> request = ParseBudgetRequest(ctx, args);
  if (!request.ok()) return ErrorExit(request.status());
  if (request->budgets.empty()) {
    return ErrorExit(Status::InvalidArgument("--fail-over-budget: " +
                                             std::string(kNoBudgets)));
  }
  const int code = report();
  if (code != kExitOk) return code;
  Result<std::vector<BudgetStatus>> statuses = StatusOf(ctx, *request, NowMs());
  if (!statuses.ok()) return ErrorExit(statuses.status());
  return SayOverBudget(*statuses);
}

}  // namespace cc::cli
