#include "dashboard/metrics.h"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>

#include "core/utf8.h"
#include "dashboard/usage_views.h"

namespace cc {
namespace {

// Prometheus text: "# HELP", "# TYPE", then the samples.
class MetricsText {
 public:
  void Family(const char* name, const char* type, const char* help) {
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  // The shortest text that reads back as the same double ("12.4", not
  // "12.400000000000000355"); a whole number as an integer.
  template <class Number>
  void Sample(const std::string& name_and_labels, Number value) {
    const double v = static_cast<double>(value);
    out_.append(name_and_labels).append(" ");
    if (std::isnan(v)) {
      out_.append("NaN");
    } else if (std::isinf(v)) {
      out_.append(v > 0 ? "+Inf" : "-Inf");
    } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
      out_.append(std::to_string(static_cast<int64_t>(v)));  // 5000000, not 5e+06.
    } else {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
      out_.append(buf, ec == std::errc() ? end : buf);
    }
    out_.append("\n");
  }
  // A family of one sample, without labels.
  template <class Number>
  void Single(const char* name, const char* type, const char* help, Number value) {
    Family(name, type, help);
    Sample(name, value);
  }
  // `name{model="model"more}`.
  static std::string ByModel(const char* name, std::string_view model,
                             std::string_view more = "") {
    std::string out = std::string(name).append("{model=\"").append(Label(model));
    return out.append("\"").append(more).append("}");
  }
  std::string Take() { return std::move(out_); }

  // A label's value as the text format quotes it: backslash, double quote
  // and line feed escaped. The format is UTF-8: a byte that is not (a
  // model or budget name may hold anything) becomes U+FFFD.
  static std::string Label(std::string_view value) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
      const char c = value[i];
      if (c == '\\' || c == '"') out.push_back('\\');
      if (c == '\n') {
        out.append("\\n");
      } else if (static_cast<unsigned char>(c) < 0x80) {
        out.push_back(c);
      } else if (size_t n = Utf8SequenceLength(value, i); n == 0) {
        out.append("\xEF\xBF\xBD");
      } else {
        out.append(value.substr(i, n));
        i += n - 1;
      }
    }
    return out;
  }

 private:
  std::string out_;
};

// Per model, from the rollup.
void UsageByModel(const DashboardSnapshot& s, MetricsText& m) {
  std::map<std::string, UsageTotals> by_model;
  for (const UsageRow& u : s.usage.rows) by_model[s.usage.dim(u).model].Add(u);
  m.Family("context_cleaner_events_total", "counter", "API responses in the ledger, by model.");
  for (const auto& [model, t] : by_model) {
    m.Sample(MetricsText::ByModel("context_cleaner_events_total", model), t.events);
  }
  m.Family("context_cleaner_tokens_total", "counter", "Tokens in the ledger, by model and kind.");
  for (const auto& [model, t] : by_model) {
    const char* name = "context_cleaner_tokens_total";
    m.Sample(MetricsText::ByModel(name, model, ",kind=\"input\""), t.tokens.input);
    m.Sample(MetricsText::ByModel(name, model, ",kind=\"output\""), t.tokens.output);
    m.Sample(MetricsText::ByModel(name, model, ",kind=\"cache_creation\""),
             t.tokens.cache_creation);
    m.Sample(MetricsText::ByModel(name, model, ",kind=\"cache_read\""), t.tokens.cache_read);
  }
  m.Family("context_cleaner_cost_usd_total", "counter",
           "Cost of the ledger's priced events in US dollars, by model.");
  for (const auto& [model, t] : by_model) {
    m.Sample(MetricsText::ByModel("context_cleaner_cost_usd_total", model),
             static_cast<double>(t.cost_nano) / static_cast<double>(kNanoPerDollar));
  }
}

// The latest official reading of each window (none: no family), so that
// Prometheus keeps the plan limits' history too.
void OfficialLimits(const DashboardSnapshot& s, MetricsText& m) {
  if (s.official_latest.empty()) return;
  auto label = [](const char* name, const RateLimitRow& r) {
    return std::string(name).append("{window=\"").append(RateLimitKindName(r.kind)).append("\"}");
  };
  const char* used = "context_cleaner_official_limit_used_percent";
  m.Family(used, "gauge",
           "The plan's official use of the window (Claude Code's rate_limits), "
           "latest reading.");
  for (const RateLimitRow& r : s.official_latest) m.Sample(label(used, r), r.used_percentage);
  const char* resets = "context_cleaner_official_limit_resets_at_seconds";
  m.Family(resets, "gauge", "When the window resets (Unix time), latest reading.");
  for (const RateLimitRow& r : s.official_latest) m.Sample(label(resets, r), r.resets_at);
}

// `name{budget="...",period="day",unit="usd"}`.
std::string ByBudget(const char* name, const BudgetStatus& b) {
  return std::string(name)
      .append("{budget=\"")
      .append(MetricsText::Label(b.budget.name))
      .append("\",period=\"")
      .append(BudgetPeriodName(b.budget.period))
      .append("\",unit=\"")
      .append(MetricsText::Label(b.unit))
      .append("\"}");
}

// Each budget's current period, in its unit (none configured, or an origin
// without budgets: no family). A budget that cannot count (its project is
// not in the ledger: BudgetStatus::problem) has its limit only.
void Budgets(const ApiSources& src, MetricsText& m) {
  if (!src.budgets) return;
  Result<std::vector<BudgetStatus>> read = src.budgets(src.now_ms());
  if (!read.ok() || read->empty()) return;
  const std::vector<BudgetStatus>& all = *read;
  auto family = [&](const char* name, const char* help, auto value, bool counts_only) {
    m.Family(name, "gauge", help);
    for (const BudgetStatus& b : all) {
      if (counts_only && !b.problem.empty()) continue;
      if (std::optional<double> v = value(b)) m.Sample(ByBudget(name, b), *v);
    }
  };
  using Value = std::optional<double>;
  family("context_cleaner_budget_spent",
         "Spent in the budget's current period, in its unit (usd or tokens).",
         [](const BudgetStatus& b) -> Value { return b.spent; }, true);
  family("context_cleaner_budget_limit", "The budget's limit per period, in its unit.",
         [](const BudgetStatus& b) -> Value { return b.limit; }, false);
  family("context_cleaner_budget_ratio",
         "Spent over the limit in the current period (1 = the whole budget).",
         [](const BudgetStatus& b) -> Value {
           return b.limit > 0 ? b.spent / b.limit : b.percent / 100;
         }, true);
  family("context_cleaner_budget_projected",
         "Spend at the period's end at the rate since its start, in the "
         "budget's unit (absent early in a period).",
         [](const BudgetStatus& b) { return b.projected; }, true);
  family("context_cleaner_budget_alerts",
         "Alerts the budget fired in its current period.",
         [](const BudgetStatus& b) -> Value { return static_cast<double>(b.alerts.size()); },
         true);
}

}  // namespace

ApiResponse Metrics(const ApiSources& src) {
  std::shared_ptr<const DashboardSnapshot> s = src.snapshot();
  ApiResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  MetricsText m;
  m.Single("context_cleaner_up", "gauge", "1 when the dashboard has read the ledger.", s ? 1 : 0);
  if (!s) {
    r.body = m.Take();
    return r;
  }
  UsageByModel(*s, m);
  const LedgerSummary& h = s->health;
  m.Family("context_cleaner_files", "gauge", "Transcripts tracked, by state.");
  m.Sample("context_cleaner_files{state=\"active\"}", h.files_active);
  m.Sample("context_cleaner_files{state=\"gone\"}", h.files_gone);
  m.Single("context_cleaner_rejected_lines_total", "counter",
           "Transcript lines that could not be used.", h.rejects);
  if (h.last_run) {
    const int64_t last_sync = h.last_run->LastPassMs();
    m.Single("context_cleaner_last_sync_timestamp_seconds", "gauge",
             "When the last sync pass finished (Unix time).",
             static_cast<double>(last_sync) / 1000.0);
    if (s->backlog) {
      m.Single("context_cleaner_sync_lag_seconds", "gauge",
               "How long the oldest transcript byte not yet in the ledger may "
               "have waited (0 when everything is read).",
               static_cast<double>(BacklogLagMs(*s->backlog, last_sync, src.now_ms())) / 1000.0);
      m.Single("context_cleaner_unread_bytes", "gauge",
               "Bytes of tracked transcripts not yet in the ledger (unfinished "
               "last lines aside).", s->backlog->unread_bytes);
      m.Single("context_cleaner_unfinished_line_bytes", "gauge",
               "Bytes of last lines without their newline, read once finished "
               "(not lag).", s->backlog->unfinished_bytes);
    }
  }
  if (s->shipping) {
    const ShipState& st = *s->shipping;
    m.Single("context_cleaner_shipping_pending_events", "gauge",
             "Ledger events not yet confirmed by ClickHouse.", st.pending_events);
    m.Single("context_cleaner_shipping_ok", "gauge", "1 when the last shipping attempt succeeded.",
             st.status == "ok" ? 1 : 0);
    m.Single("context_cleaner_shipping_rejected_rows_total", "counter",
             "Rows ClickHouse refused, kept in the ledger.", st.rejected_rows);
  }
  OfficialLimits(*s, m);
  Budgets(src, m);
  m.Single("context_cleaner_snapshot_version", "counter",
           "Times the dashboard has re-read the ledger.", s->version);
  r.body = m.Take();
  return r;
}

}  // namespace cc
