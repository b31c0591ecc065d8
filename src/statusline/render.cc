#include "statusline/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/json_writer.h"
#include "core/terminal_text.h"
#include "report/text_table.h"
#include "statusline/budget_segment.h"

namespace cc {
namespace {

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kCyan = "\x1b[36m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kSeparator = " | ";

struct Piece {
  Segment segment;
  std::string plain;
  const char* color = nullptr;
};

std::string Dollars(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, usd >= 100 ? "$%.0f" : "$%.2f", usd);
  return buf;
}

std::string NanoDollars(int64_t nano) {
  return Dollars(static_cast<double>(nano) / 1e9);
}

std::string Compact(uint64_t n) {
  char buf[32];
  if (n >= 1'000'000'000) {
    std::snprintf(buf, sizeof buf, "%.1fB", static_cast<double>(n) / 1e9);
  } else if (n >= 1'000'000) {
    std::snprintf(buf, sizeof buf, "%.1fM", static_cast<double>(n) / 1e6);
  } else if (n >= 1'000) {
    std::snprintf(buf, sizeof buf, "%.1fk", static_cast<double>(n) / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
  }
  return buf;
}

// "2h05m", "45m", "3d4h".
std::string Left(int64_t ms) {
  if (ms < 0) ms = 0;
  const int64_t minutes = ms / 60'000;
  char buf[32];
  if (minutes >= 48 * 60) {
    std::snprintf(buf, sizeof buf, "%lldd%lldh", static_cast<long long>(minutes / 1440),
                  static_cast<long long>(minutes % 1440 / 60));
  } else if (minutes >= 60) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(minutes / 60),
                  static_cast<long long>(minutes % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(minutes));
  }
  return buf;
}

std::string Percent(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", pct);
  return buf;
}

const char* PercentColor(double pct, const StatuslineOptions& o) {
  if (pct >= o.alert_pct) return kRed;
  if (pct >= o.warn_pct) return kYellow;
  return kGreen;
}

std::optional<Piece> SessionPiece(const StatuslineInput& in,
                                  const StatuslineFigures* f) {
  if (f != nullptr && f->session && f->session->events > 0) {
    const SessionTotals& s = *f->session;
    std::string text = NanoDollars(s.cost_nano);
    if (s.unpriced_events > 0) text += "*";
    text.append(" session ").append(Compact(s.tokens.Total())).append(" tok");
    return Piece{Segment::kSession, text, kGreen};
  }
  if (in.cost_usd) {
    return Piece{Segment::kSession, std::string("~").append(Dollars(*in.cost_usd)).append(" session (est.)"),
                 kDim};
  }
  return std::nullopt;
}

std::optional<Piece> LimitsPiece(const StatuslineInput& in, const StatuslineOptions& o,
                                 int64_t now_ms) {
  std::string text;
  double worst = 0;
  auto add = [&](const char* label, const std::optional<RateWindow>& w) {
    if (!w || !w->used_percentage) return;
    if (!text.empty()) text += " ";
    text.append(label).append(" ").append(Percent(*w->used_percentage));
    if (w->resets_at_s) text.append(" (").append(Left(*w->resets_at_s * 1000 - now_ms)).append(")");
    worst = std::max(worst, *w->used_percentage);
  };
  add("5h", in.five_hour);
  add("7d", in.seven_day);
  if (text.empty()) return std::nullopt;
  return Piece{Segment::kLimits, text, PercentColor(worst, o)};
}

std::optional<Piece> PieceOf(Segment seg, const StatuslineInput& in,
                             const StatuslineFigures* f, const StatuslineOptions& o,
                             int64_t now_ms) {
  switch (seg) {
    case Segment::kModel: {
      std::string name = TerminalSafe(in.model_name.empty() ? "Claude" : in.model_name);
      return Piece{seg, name, kCyan};
    }
    case Segment::kSession:
      return SessionPiece(in, f);
    case Segment::kToday:
      if (f == nullptr || !f->today) return std::nullopt;
      return Piece{seg, NanoDollars(f->today->cost_nano) + " today", kGreen};
    case Segment::kBlock: {
      if (f == nullptr || !f->block) return std::nullopt;
      const BlockFigures& b = *f->block;
      std::string text = NanoDollars(b.totals.cost_nano) + " block (" +
                         Left(b.end_ms - now_ms) + " left";
      if (b.cost_per_hour) text.append(", ").append(Dollars(*b.cost_per_hour)).append("/h");
      text += ")";
      return Piece{seg, text, kGreen};
    }
    case Segment::kBudget: {
      if (f == nullptr) return std::nullopt;
      std::optional<BudgetSegment> b = BudgetSegmentOf(f->budgets);
      if (!b) return std::nullopt;
      const char* color = b->level == BudgetSegment::Level::kOver   ? kRed
                          : b->level == BudgetSegment::Level::kWarn ? kYellow
                                                                    : kGreen;
      return Piece{seg, b->text, color};
    }
    case Segment::kContext:
      if (!in.context_used_pct) return std::nullopt;
      return Piece{seg, std::string("ctx ").append(Percent(*in.context_used_pct)),
                   PercentColor(*in.context_used_pct, o)};
    case Segment::kLimits:
      return LimitsPiece(in, o, now_ms);
  }
  return std::nullopt;
}

// Lower drops first.
int Priority(Segment s) {
  switch (s) {
    case Segment::kModel: return 6;
    case Segment::kSession: return 5;
    case Segment::kLimits: return 4;
    case Segment::kBudget: return 3;
    case Segment::kContext: return 2;
    case Segment::kBlock: return 1;
    case Segment::kToday: return 0;
  }
  return 0;
}

size_t WidthOf(const std::vector<Piece>& pieces) {
  size_t w = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) w += 3;
    w += DisplayWidth(pieces[i].plain);
  }
  return w;
}

// The first `columns` code points of `text`, with "…" when cut.
std::string CutTo(const std::string& text, size_t columns) {
  if (DisplayWidth(text) <= columns || columns == 0) return text;
  size_t seen = 0, i = 0;
  while (i < text.size()) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == columns - 1) break;
      ++seen;
    }
    ++i;
  }
  return text.substr(0, i) + "\xE2\x80\xA6";
}

std::string Layout(std::vector<Piece> pieces, const StatuslineOptions& o) {
  const size_t columns = o.columns > 0 ? static_cast<size_t>(o.columns) : 0;
  while (columns > 0 && pieces.size() > 1 && WidthOf(pieces) > columns) {
    auto lowest = std::min_element(pieces.begin(), pieces.end(),
                                   [](const Piece& a, const Piece& b) {
                                     return Priority(a.segment) < Priority(b.segment);
                                   });
    pieces.erase(lowest);
  }
  if (columns > 0 && pieces.size() == 1) pieces[0].plain = CutTo(pieces[0].plain, columns);
  std::string line;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) {
      if (o.color) line.append(kDim).append(kSeparator).append(kReset);
      else line += kSeparator;
    }
    if (o.color && pieces[i].color != nullptr) {
      line.append(pieces[i].color).append(pieces[i].plain).append(kReset);
    } else {
      line += pieces[i].plain;
    }
  }
  return line;
}

// A whole amount as an integer (5000000 tokens, not 5e+06).
void Amount(JsonWriter& w, std::string_view key, double v) {
  w.Key(key);
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    w.Int(static_cast<int64_t>(v));
  } else {
    w.Double(v);
  }
}

// The fields a script wants of a budget (the dashboard's /api/budgets
// has them all).
void BudgetJson(JsonWriter& w, const BudgetStatus& b) {
  w.BeginObject()
      .Field("name", b.budget.name)
      .Field("period", BudgetPeriodName(b.budget.period))
      .Field("unit", b.unit)
      .Field("active", b.active);
  Amount(w, "spent", b.spent);
  Amount(w, "limit", b.limit);
  Amount(w, "percent", b.percent);
  if (b.projected) {
    Amount(w, "projected", *b.projected);
  } else {
    w.Key("projected").Null();
  }
  w.Field("overBudget", b.over())
      .Field("alerts", static_cast<uint64_t>(b.alerts.size()))
      .Field("problem", b.problem)
      .EndObject();
}

}  // namespace

Result<std::vector<Segment>> ParseSegments(const std::string& list) {
  static const std::pair<const char*, Segment> kNames[] = {
      {"model", Segment::kModel}, {"session", Segment::kSession},
      {"today", Segment::kToday}, {"block", Segment::kBlock},
      {"budget", Segment::kBudget}, {"context", Segment::kContext},
      {"limits", Segment::kLimits}};
  std::vector<Segment> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    const std::string name = list.substr(start, comma - start);
    start = comma + 1;
    if (name.empty()) continue;
    bool found = false;
    for (const auto& [n, s] : kNames) {
      if (name == n) {
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
        found = true;
      }
    }
    if (!found) {
      return Status::InvalidArgument(std::string("--segments: unknown segment '")
                                         .append(TerminalSafe(name))
                                         .append("' (known: model, session, today, block, "
                                                 "budget, context, limits)"));
    }
  }
  if (out.empty()) return Status::InvalidArgument("--segments: no segment named");
  return out;
}

Status ParseThresholds(const std::string& text, StatuslineOptions* options) {
  double warn = 0, alert = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%lf,%lf%c", &warn, &alert, &extra) != 2 || warn < 0 ||
      alert < warn || !std::isfinite(alert)) {
    return Status::InvalidArgument(
        std::string("--thresholds: expected WARN,ALERT percentages (such as 50,80), got '")
            .append(TerminalSafe(text))
            .append("'"));
  }
  options->warn_pct = warn;
  options->alert_pct = alert;
  return Status::Ok();
}

std::vector<std::string> RenderStatusline(const StatuslineInput& input,
                                          const StatuslineFigures* figures,
                                          const StatuslineOptions& options,
                                          int64_t now_ms) {
  std::vector<Piece> pieces;
  for (Segment s : options.segments) {
    if (std::optional<Piece> p = PieceOf(s, input, figures, options, now_ms)) {
      pieces.push_back(std::move(*p));
    }
  }
  if (pieces.empty()) {
    pieces.push_back(*PieceOf(Segment::kModel, input, figures, options, now_ms));
  }
  const size_t lines = std::clamp<size_t>(static_cast<size_t>(std::max(options.lines, 1)), 1,
                                          pieces.size());
  std::vector<std::string> out;
  const size_t per_line = (pieces.size() + lines - 1) / lines;
  for (size_t i = 0; i < pieces.size(); i += per_line) {
    std::vector<Piece> chunk(pieces.begin() + static_cast<std::ptrdiff_t>(i),
                             pieces.begin() + static_cast<std::ptrdiff_t>(
                                                  std::min(i + per_line, pieces.size())));
    out.push_back(Layout(std::move(chunk), options));
  }
  return out;
}

std::string StatuslineJson(const StatuslineInput& input, const StatuslineFigures* figures,
                           int64_t now_ms) {
  JsonWriter w(false);
  w.BeginObject();
  w.Field("model", input.model_name);
  w.Field("sessionId", input.session_id);
  w.Key("session").BeginObject();
  if (figures != nullptr && figures->session && figures->session->events > 0) {
    const SessionTotals& s = *figures->session;
    w.Field("source", "ledger");
    w.Key("totalCost").Double(static_cast<double>(s.cost_nano) / 1e9);
    w.Field("costNano", s.cost_nano);
    w.Field("events", s.events);
    w.Field("unpricedEvents", s.unpriced_events);
    w.Field("inputTokens", s.tokens.input);
    w.Field("outputTokens", s.tokens.output);
    w.Field("cacheCreationTokens", s.tokens.cache_creation);
    w.Field("cacheReadTokens", s.tokens.cache_read);
    w.Field("totalTokens", s.tokens.Total());
  } else if (input.cost_usd) {
    w.Field("source", "claude-code-estimate");
    w.Key("totalCost").Double(*input.cost_usd);
  } else {
    w.Field("source", "none");
  }
  w.EndObject();
  w.Key("today");
  if (figures != nullptr && figures->today) {
    w.BeginObject();
    w.Key("totalCost").Double(static_cast<double>(figures->today->cost_nano) / 1e9);
    w.Field("totalTokens", figures->today->tokens.Total());
    w.Field("events", figures->today->events);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("block");
  if (figures != nullptr && figures->block) {
    const BlockFigures& b = *figures->block;
    w.BeginObject();
    w.Field("startMs", b.start_ms);
    w.Field("endMs", b.end_ms);
    w.Field("remainingMinutes", std::max<int64_t>(0, (b.end_ms - now_ms) / 60'000));
    w.Key("totalCost").Double(static_cast<double>(b.totals.cost_nano) / 1e9);
    w.Field("totalTokens", b.totals.tokens.Total());
    w.Key("costPerHour");
    if (b.cost_per_hour) w.Double(*b.cost_per_hour);
    else w.Null();
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("budgets").BeginArray();
  if (figures != nullptr) {
    for (const BudgetStatus& b : figures->budgets) BudgetJson(w, b);
  }
  w.EndArray();
  w.Key("contextUsedPercentage");
  if (input.context_used_pct) w.Double(*input.context_used_pct);
  else w.Null();
  w.Key("rateLimits").BeginObject();
  for (const auto& [name, win] : {std::pair{"fiveHour", &input.five_hour},
                                  std::pair{"sevenDay", &input.seven_day}}) {
    w.Key(name);
    if (!*win) {
      w.Null();
      continue;
    }
    w.BeginObject();
    w.Key("usedPercentage");
    if ((*win)->used_percentage) w.Double(*(*win)->used_percentage);
    else w.Null();
    w.Key("resetsAt");
    if ((*win)->resets_at_s) w.Int(*(*win)->resets_at_s);
    else w.Null();
    w.EndObject();
  }
  w.EndObject();
  w.Field("ledgerRead", figures != nullptr);
  w.EndObject();
  return w.Finish();
}

}  // namespace cc
