// report daily: tokens per UTC day from the ledger.
#include "cli/commands.h"
#include "core/civil_time.h"
#include "ledger/ledger.h"
#include "report/daily_report.h"

namespace cc::cli {

int RunReportDaily(const Context& ctx, const ParsedArgs& args) {
  std::optional<int64_t> since, until;
  for (const char* flag : {"--since", "--until"}) {
    std::optional<std::string> text = args.Get(flag);
    if (!text) continue;
    std::optional<int64_t> day = ParseDate(*text);
    if (!day) {
      PrintError(std::string(flag) + ": expected YYYY-MM-DD or YYYYMMDD, got '" +
                 *text + "'");
      return kExitUsage;
    }
    (std::string(flag) == "--since" ? since : until) = day;
  }
  Result<std::unique_ptr<Ledger>> ledger = Ledger::OpenForRead(ctx.ledger_path);
  if (!ledger.ok()) {
    PrintError(ledger.status().message());
    return ExitCodeFor(ledger.status());
  }
  Result<std::vector<DailyRow>> rows = (*ledger)->DailyTotals(since, until);
  if (!rows.ok()) {
    PrintError(rows.status().message());
    return ExitCodeFor(rows.status());
  }
  DailyReport report = DailyReport::FromRows(std::move(*rows));
  if (args.Has("--json")) {
    PrintOut(DailyReportJson(report));
  } else if (report.rows.empty()) {
    PrintOut("No usage recorded yet for this period.\n");
  } else {
    PrintOut(DailyReportTable(report, ctx.color));
  }
  return kExitOk;
}

}  // namespace cc::cli
