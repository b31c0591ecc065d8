// ReportTable: a UsageReport as a table for a terminal (report_render.h).
#include <algorithm>
#include <cstdio>
#include <map>

#include "core/terminal_text.h"
#include "price/price_table.h"
#include "report/report_render.h"
#include "report/text_table.h"

namespace cc {
namespace {

using Style = TextTable::Style;

std::string CostCell(const UsageTotals& t) {
  return FormatDollars(t.cost_nano, 2) + (t.unpriced_events > 0 ? "*" : "");
}

// The models of a row, for a column that wraps them at the spaces.
std::string ModelsCell(const ReportRow& row) {
  std::string out;
  for (const auto& [model, t] : row.by_model) {
    if (!out.empty()) out += ", ";
    out += ShortModelName(model);
  }
  return out;
}

// "2h 05m".
std::string Duration(int64_t ms) {
  const int64_t minutes = std::max<int64_t>(0, ms) / 60000;
  char buf[48];
  if (minutes >= 24 * 60) {
    std::snprintf(buf, sizeof buf, "%lldd %lldh",
                  static_cast<long long>(minutes / (24 * 60)),
                  static_cast<long long>(minutes / 60 % 24));
  } else {
    std::snprintf(buf, sizeof buf, "%lldh %02lldm",
                  static_cast<long long>(minutes / 60),
                  static_cast<long long>(minutes % 60));
  }
  return buf;
}

// "2025-09-03 10:02" in the report's zone.
std::string LocalMinute(const TimeZone& zone, int64_t ms) {
  std::string iso = zone.FormatLocal(ms);  // 2025-09-03T10:02:34+09:00
  return iso.size() >= 16 ? iso.substr(0, 10) + " " + iso.substr(11, 5) : iso;
}

const char* LabelTitle(ReportKind kind) {
  switch (kind) {
    case ReportKind::kWeekly:
      return "Week of";
    case ReportKind::kMonthly:
      return "Month";
    case ReportKind::kSession:
      return "Session";
    case ReportKind::kBlocks:
      return "Block start";
    default:
      return "Date";
  }
}

std::vector<std::string> TokenCells(const UsageTotals& t) {
  return {WithThousands(t.tokens.input),
          WithThousands(t.tokens.output),
          WithThousands(t.tokens.cache_creation),
          WithThousands(t.tokens.cache_read),
          WithThousands(t.tokens.Total()),
          CostCell(t)};
}

using Fit = TextTable::Fit;

// What narrows and what goes first: identifying columns (the label, a
// session's project), the models, total tokens and cost stay; cache
// columns, then input and output, then a session's first activity go, and
// only after every column has narrowed (text_table.h).
std::vector<TextTable::Column> PeriodColumns(ReportKind kind) {
  const bool session = kind == ReportKind::kSession;
  std::vector<TextTable::Column> columns = {
      {LabelTitle(kind), false, 0, session ? Fit::kAbbreviate : Fit::kFixed}};
  if (session) columns.push_back({"Project", false, 0, Fit::kFixed});
  columns.insert(columns.end(), {{"Models", false, 0, Fit::kWrap},
                                 {"Input", true, 2, Fit::kNumber},
                                 {"Output", true, 2, Fit::kNumber},
                                 {"Cache create", true, 3, Fit::kNumber},
                                 {"Cache read", true, 3, Fit::kNumber},
                                 {"Total tokens", true, 0, Fit::kNumber},
                                 {"Cost (USD)", true, 0, Fit::kFixed}});
  if (session) {
    columns.push_back({"First activity", false, 1, Fit::kFixed});
    columns.push_back({"Last activity", false, 0, Fit::kFixed});
  }
  return columns;
}

// "- sonnet-4": a --breakdown line's model.
std::string Bullet(const std::string& model) {
  return std::string("- ").append(model);
}

// Each project of the report as its table shows it: its path, or where
// the table is narrow its last component, unless another project of the
// report has that one too (an alias either way).
std::map<std::string, std::string> ProjectCells(const UsageReport& report,
                                                const RenderOptions& opt) {
  std::map<std::string, std::string> cells;
  for (const ReportRow& row : report.rows) cells[row.project] = row.project;
  if (opt.projects == nullptr) return cells;
  const bool narrow = !opt.compact && opt.width < kFullProjectPathWidth;
  std::map<std::string, int> uses;
  for (auto& [project, cell] : cells) {
    cell = narrow ? opt.projects->Short(project) : opt.projects->Display(project);
    ++uses[cell];
  }
  for (auto& [project, cell] : cells) {
    if (uses[cell] > 1) cell = opt.projects->Display(project);
  }
  return cells;
}

std::string PeriodTable(const UsageReport& report, const RenderOptions& opt) {
  const bool session = report.kind == ReportKind::kSession;
  TextTable table(PeriodColumns(report.kind));
  auto cells = [&](const std::string& label, const std::string& project,
                   const std::string& models, const UsageTotals& t,
                   const std::string& first, const std::string& last) {
    std::vector<std::string> c = {label};
    if (session) c.push_back(project);
    c.push_back(models);
    for (std::string& s : TokenCells(t)) c.push_back(std::move(s));
    if (session) {
      c.push_back(first);
      c.push_back(last);
    }
    return c;
  };
  const std::map<std::string, std::string> project_cells =
      ProjectCells(report, opt);
  for (size_t i = 0; i < report.rows.size(); ++i) {
    const ReportRow& row = report.rows[i];
    if (report.by_project &&
        (i == 0 || row.project != report.rows[i - 1].project)) {
      // --instances: each project's rows under its name, as ccusage.
      std::vector<std::string> header(PeriodColumns(report.kind).size());
      header[0] = std::string("Project: ").append(project_cells.at(row.project));
      table.AddRow(std::move(header), Style::kBold);
    }
    table.AddRow(cells(row.label, project_cells.at(row.project),
                       ModelsCell(row), row.totals,
                       LocalMinute(opt.zone, row.first_ms),
                       LocalMinute(opt.zone, row.last_ms)));
    if (!opt.breakdown) continue;
    for (const auto& [model, t] : row.by_model) {  // --breakdown
      table.AddRow(cells("", "", Bullet(ShortModelName(model)), t, "", ""),
                   Style::kDim);
    }
  }
  table.AddRule();
  table.AddRow(cells("Total", "", "", report.totals, "", ""), Style::kBold);
  return table.Render(opt.compact ? 0 : opt.width, opt.color);
}

std::string BlockStatus(const ReportRow& b, int64_t now_ms) {
  if (b.is_gap) return "gap " + Duration(b.end_ms - b.start_ms);
  if (b.is_active) return "ACTIVE, " + Duration(b.end_ms - now_ms) + " left";
  return Duration(b.last_ms - b.start_ms);
}

std::string PercentOf(uint64_t tokens, uint64_t limit) {
  char pct[32] = "";
  if (limit > 0) {
    std::snprintf(pct, sizeof pct, "%.1f%%",
                  100.0 * static_cast<double>(tokens) /
                      static_cast<double>(limit));
  }
  return pct;
}

// "42%": an official window's peak, as given.
std::string OfficialPercent(const RateLimitWindow& w) {
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.4g%%", w.peak_percentage);
  return pct;
}

std::string BlocksTable(const UsageReport& report, const RenderOptions& opt) {
  std::vector<TextTable::Column> columns = {
      {"Block start", false, 0, Fit::kFixed},
      {"Status", false, 0, Fit::kWrap},
      {"Models", false, 0, Fit::kWrap},
      {"Requests", true, 2, Fit::kNumber},
      {"Tokens", true, 0, Fit::kNumber}};
  if (opt.token_limit) columns.push_back({"% of limit", true, 1, Fit::kFixed});
  // The official 5-hour % (its peak), when the statusline saw any.
  const bool official = std::any_of(report.rows.begin(), report.rows.end(),
                                    [](const ReportRow& b) { return b.official.has_value(); });
  if (official) columns.push_back({"Official 5h", true, 1, Fit::kFixed});
  columns.push_back({"Cost (USD)", true, 0, Fit::kFixed});
  TextTable table(columns);
  auto cells = [&](std::string start, std::string status, std::string models,
                   const UsageTotals* t, const ReportRow* b) {
    std::vector<std::string> c = {std::move(start), std::move(status),
                                  std::move(models)};
    c.push_back(t ? WithThousands(t->events) : "");
    c.push_back(t ? WithThousands(t->tokens.Total()) : "");
    if (opt.token_limit) {
      c.push_back(t ? PercentOf(t->tokens.Total(), *opt.token_limit) : "");
    }
    if (official) c.push_back(b && b->official ? OfficialPercent(*b->official) : "");
    c.push_back(t ? CostCell(*t) : "");
    return c;
  };
  for (const ReportRow& b : report.rows) {
    table.AddRow(cells(LocalMinute(opt.zone, b.start_ms),
                       BlockStatus(b, opt.now_ms), ModelsCell(b),
                       b.is_gap ? nullptr : &b.totals, &b),
                 b.is_gap ? Style::kDim
                          : (b.is_active ? Style::kBold : Style::kNormal));
    if (!opt.breakdown || b.is_gap) continue;
    for (const auto& [model, t] : b.by_model) {
      table.AddRow(cells("", "", Bullet(ShortModelName(model)), &t, nullptr),
                   Style::kDim);
    }
  }
  return table.Render(opt.compact ? 0 : opt.width, opt.color);
}

std::string ActiveBlockSummary(const UsageReport& report,
                               const RenderOptions& opt) {
  const ReportRow* active = nullptr;
  for (const ReportRow& b : report.rows) {
    if (b.is_active) active = &b;
  }
  if (active == nullptr) return "\nNo active block.\n";
  std::string out = "\nActive block: started " +
                    LocalMinute(opt.zone, active->start_ms) + ", " +
                    Duration(opt.now_ms - active->start_ms) + " elapsed, " +
                    Duration(active->end_ms - opt.now_ms) + " left (ends " +
                    LocalMinute(opt.zone, active->end_ms) + ")\n";
  char buf[256];
  if (report.burn_rate && report.projection) {
    std::snprintf(
        buf, sizeof buf,
        "Burn rate since its first request: %s tokens/hour (%s/min), "
        "$%.2f/hour\n"
        "Projected by the block's end: %s tokens, $%.2f\n",
        WithThousands(static_cast<uint64_t>(
                          report.burn_rate->tokens_per_minute * 60 + 0.5))
            .c_str(),
        WithThousands(
            static_cast<uint64_t>(report.burn_rate->tokens_per_minute + 0.5))
            .c_str(),
        report.burn_rate->cost_per_hour,
        WithThousands(report.projection->total_tokens).c_str(),
        report.projection->total_cost);
    out += buf;
  } else {
    out.append("Burn rate: not yet known (first request ")
        .append(Duration(opt.now_ms - active->first_ms))
        .append(" ago; a pace needs ")
        .append(std::to_string(kMinRateWindowMs / 60'000))
        .append(" minutes)\n");
  }
  if (opt.token_limit) {
    // Projected when there is a pace, else what is used so far.
    const bool projected = report.projection.has_value();
    const uint64_t tokens = projected ? report.projection->total_tokens
                                      : active->totals.tokens.Total();
    const double share =
        static_cast<double>(tokens) /
        static_cast<double>(std::max<uint64_t>(1, *opt.token_limit));
    std::snprintf(buf, sizeof buf, "Token limit %s: %.0f%% %s%s\n",
                  WithThousands(*opt.token_limit).c_str(), share * 100,
                  projected ? "projected" : "used so far",
                  share > 1.0    ? " - EXCEEDS the limit"
                  : share >= 0.8 ? " - warning: over 80%"
                                 : "");
    out += buf;
  }
  return out;
}

std::string UnpricedNote(const UsageReport& report) {
  if (report.unpriced_models.empty()) return "";
  std::string models;
  for (const std::string& m : report.unpriced_models) {
    models += (models.empty() ? "" : ", ") +
              (m.empty() ? "(no model)" : TerminalSafe(m));
  }
  return "* cost excludes " + WithThousands(report.totals.unpriced_events) +
         " request(s) of models without a price: " + models +
         " (add them with --prices FILE)\n";
}

// With telemetry in the ledger: how many requests it has not confirmed.
std::string LowerBoundNote(const UsageReport& report) {
  if (!report.exact_events ||
      report.exact_events->first >= report.exact_events->second) {
    return "";
  }
  const uint64_t lower =
      report.exact_events->second - report.exact_events->first;
  return std::string("~ ") + WithThousands(lower) + " of " +
         WithThousands(report.exact_events->second) +
         " requests are lower bounds: Claude Code's telemetry has not "
         "confirmed their output tokens (transcripts may hold only a "
         "streaming partial)\n";
}

}  // namespace

std::string ReportTable(const UsageReport& report, const RenderOptions& opt) {
  // The notes wrap at spaces to the terminal, not wherever it cuts them.
  std::string notes = UnpricedNote(report) + LowerBoundNote(report);
  if (report.kind == ReportKind::kBlocks) {
    notes = ActiveBlockSummary(report, opt) + notes;
    return BlocksTable(report, opt) + WrapText(notes, opt.width);
  }
  return PeriodTable(report, opt) + WrapText(notes, opt.width);
}

}  // namespace cc
