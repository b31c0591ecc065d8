// RenderStatusline: the input and the ledger's figures as the line(s)
// Claude Code shows under the prompt. Pure: the caller reads, queries and
// prints.
//
// Segments (in the order asked): model, session (ours, exact; Claude
// Code's own estimate marked "~" and "est." when the ledger has nothing),
// today, block (cost, time left, $/h), budget (the budget nearest its
// limit: statusline/budget_segment.h), context (% of the window), limits
// (the official 5-hour and 7-day %, with time to their resets). Each line
// fits `columns`: the lowest-priority segments are dropped first (today,
// block, context, budget, limits, session; the model stays, cut if need
// be).
// Every string from data passes TerminalSafe before it is laid out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "statusline/figures.h"
#include "statusline/statusline_input.h"

namespace cc {

enum class Segment { kModel, kSession, kToday, kBlock, kBudget, kContext, kLimits };

struct StatuslineOptions {
  std::vector<Segment> segments = {Segment::kModel,  Segment::kSession,
                                   Segment::kToday,  Segment::kBlock,
                                   Segment::kBudget, Segment::kContext,
                                   Segment::kLimits};
  bool color = true;
  int columns = 0;  // 0: no limit.
  int lines = 1;    // Segments are dealt over this many lines, in order.
  // Percentages (context, limits) turn yellow at `warn`, red at `alert`.
  double warn_pct = 50;
  double alert_pct = 80;
};

// "model,session,today" -> segments; an unknown name is an
// InvalidArgument naming it and the known ones.
Result<std::vector<Segment>> ParseSegments(const std::string& list);
// "50,80" -> warn, alert (0 <= warn <= alert).
Status ParseThresholds(const std::string& text, StatuslineOptions* options);

// The lines, each non-empty (the model, or "Claude" when nothing is
// known). `figures` null: the ledger could not be read.
std::vector<std::string> RenderStatusline(const StatuslineInput& input,
                                          const StatuslineFigures* figures,
                                          const StatuslineOptions& options,
                                          int64_t now_ms);

// The figures as JSON (`--json`): the input's fields used, ours, and
// where each came from.
std::string StatuslineJson(const StatuslineInput& input,
                           const StatuslineFigures* figures, int64_t now_ms);

}  // namespace cc
