#include "dashboard/usage_views.h"

#include <algorithm>
#include <cstdint>
#include <cctype>
#include <map>
#include <unordered_map>

#include "core/civil_time.h"

namespace cc {
namespace {

// What caching saved is a figure for display, a product of token sums and
// rates: at the ledger's largest (core/record_bounds.h) it could pass
// 2^63, so it saturates instead of wrapping.
int64_t MultiplySaturating(uint64_t tokens, int64_t rate) {
  int64_t out = 0;
  const auto n = static_cast<int64_t>(std::min<uint64_t>(tokens, INT64_MAX));
  if (__builtin_mul_overflow(n, rate, &out)) return rate < 0 ? INT64_MIN : INT64_MAX;
  return out;
}

void AddSaturating(int64_t* sum, int64_t x) {
  if (__builtin_add_overflow(*sum, x, sum)) *sum = x < 0 ? INT64_MIN : INT64_MAX;
}


// [start, end) of the local day, week or month holding `day`, and of the
// one before it.
struct Span {
  int64_t start_day = 0, end_day = 0, prev_start_day = 0;
};

Span DaySpan(int64_t day) { return {day, day + 1, day - 1}; }

Span WeekSpan(int64_t day, int start_of_week) {
  const int64_t start = WeekStartDay(day, start_of_week);
  return {start, start + 7, start - 7};
}

Span MonthSpan(int64_t day) {
  const CivilDate d = CivilFromDays(day);
  const int year = static_cast<int>(d.year);
  const int64_t start = DaysFromCivil(year, d.month, 1);
  const int64_t end = d.month == 12 ? DaysFromCivil(year + 1, 1, 1)
                                    : DaysFromCivil(year, d.month + 1, 1);
  const int64_t prev = d.month == 1 ? DaysFromCivil(year - 1, 12, 1)
                                    : DaysFromCivil(year, d.month - 1, 1);
  return {start, end, prev};
}

PeriodView MakePeriod(const Span& span, const ViewOptions& o,
                      std::string label) {
  PeriodView p;
  p.label = std::move(label);
  p.start_ms = o.zone.LocalDayStart(span.start_day);
  p.end_ms = o.zone.LocalDayStart(span.end_day);
  return p;
}

void AddToPeriod(PeriodView& p, int64_t prev_start_ms, int64_t so_far_ms,
                 const UsageRow& u, const std::string& model) {
  const int64_t t = u.bucket_start_ms;
  if (t >= p.start_ms && t < p.end_ms) {
    p.current.Add(u);
    if (u.unpriced_events > 0) p.unpriced_models.insert(model);
  }
  if (t >= prev_start_ms && t < p.start_ms) {
    p.previous.Add(u);
    if (t < prev_start_ms + so_far_ms) p.previous_so_far.Add(u);
  }
}

const PriceRow* RowAt(const ModelPrices& m, int64_t day) {
  const PriceRow* found = nullptr;
  for (const PriceRow& r : m.rows) {
    if (r.effective_from_day <= day) found = &r;
  }
  return found != nullptr ? found : (m.rows.empty() ? nullptr : &m.rows[0]);
}

// Models by total cost, then name.
std::vector<std::string> ModelsByCost(const std::map<std::string, int64_t>& c) {
  std::vector<std::pair<std::string, int64_t>> v(c.begin(), c.end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<std::string> out;
  for (auto& [name, cost] : v) out.push_back(name);
  return out;
}

std::optional<BlockView> ActiveBlock(const UsageData& data,
                                     const ViewOptions& o) {
  UsageData tail;
  tail.dims = data.dims;
  for (const UsageRow& u : data.rows) {
    if (u.first_ms >= o.blocks_from_ms) tail.rows.push_back(u);
  }
  ReportSpec spec;
  spec.kind = ReportKind::kBlocks;
  spec.now_ms = o.now_ms;
  UsageReport r = BuildReport(tail, spec);
  for (const ReportRow& b : r.rows) {
    if (!b.is_active) continue;
    BlockView v;
    v.start_ms = b.start_ms;
    v.end_ms = b.end_ms;
    v.totals = b.totals;
    v.last_ms = b.last_ms;
    v.burn = r.burn_rate;
    v.projection = r.projection;
    v.remaining_minutes =
        std::max<int64_t>(0, (b.end_ms - o.now_ms + 30'000) / 60'000);
    return v;
  }
  return std::nullopt;
}

int64_t SeriesStart(SeriesBucket bucket, const ViewOptions& o, int64_t t) {
  switch (bucket) {
    case SeriesBucket::kHour:
      return o.zone.FloorToLocalHour(t);
    case SeriesBucket::kDay:
      return o.zone.LocalDayStart(o.zone.LocalDay(t));
    case SeriesBucket::kWeek:
      return o.zone.LocalDayStart(
          WeekStartDay(o.zone.LocalDay(t), o.start_of_week));
  }
  return t;
}

// The bucket after the one starting at `start` (DST-safe: via local days).
int64_t SeriesNext(SeriesBucket bucket, const ViewOptions& o, int64_t start) {
  switch (bucket) {
    case SeriesBucket::kHour: {
      const int64_t next = o.zone.FloorToLocalHour(start + 3'600'000);
      return next > start ? next : start + 3'600'000;
    }
    case SeriesBucket::kDay:
      return o.zone.LocalDayStart(o.zone.LocalDay(start) + 1);
    case SeriesBucket::kWeek:
      return o.zone.LocalDayStart(o.zone.LocalDay(start) + 7);
  }
  return start;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

const std::string& KeyOf(const UsageDim& d, BreakdownBy by) {
  switch (by) {
    case BreakdownBy::kProject:
      return d.project;
    case BreakdownBy::kModel:
      return d.model;
    case BreakdownBy::kSource:
      return d.source;
    case BreakdownBy::kSession:
      return d.session_id;
  }
  return d.project;
}

}  // namespace

Overview BuildOverview(const UsageData& data, const ViewOptions& o,
                       const PriceTable& prices) {
  Overview v;
  const int64_t today = o.zone.LocalDay(o.now_ms);
  const Span day = DaySpan(today);
  const Span week = WeekSpan(today, o.start_of_week);
  const Span month = MonthSpan(today);
  v.today = MakePeriod(day, o, FormatDate(today));
  v.week = MakePeriod(week, o, FormatDate(week.start_day));
  v.month = MakePeriod(month, o, FormatDate(month.start_day).substr(0, 7));
  const int64_t day_prev = o.zone.LocalDayStart(day.prev_start_day);
  const int64_t week_prev = o.zone.LocalDayStart(week.prev_start_day);
  const int64_t month_prev = o.zone.LocalDayStart(month.prev_start_day);

  std::map<std::string, int64_t> model_cost;
  std::map<std::string, int64_t> sources;
  std::vector<const ModelPrices*> price_of(data.dims.size(), nullptr);
  for (size_t i = 0; i < data.dims.size(); ++i) {
    price_of[i] = prices.Find(data.dims[i].model);
  }
  for (const UsageRow& u : data.rows) {
    const UsageDim& d = data.dim(u);
    AddToPeriod(v.today, day_prev, o.now_ms - v.today.start_ms, u, d.model);
    AddToPeriod(v.week, week_prev, o.now_ms - v.week.start_ms, u, d.model);
    AddToPeriod(v.month, month_prev, o.now_ms - v.month.start_ms, u, d.model);
    v.all_time.Add(u);
    if (u.unpriced_events > 0) v.unpriced_models.insert(d.model);
    if (!IsSyntheticModel(d.model)) model_cost[d.model] += u.cost_nano;
    sources[d.source] += 1;
    v.cache.cache_read_tokens += u.tokens.cache_read;
    v.cache.input_side_tokens +=
        u.tokens.input + u.tokens.cache_creation + u.tokens.cache_read;
    if (const ModelPrices* m = price_of[u.dim]; m != nullptr) {
      if (const PriceRow* r = RowAt(*m, UtcDayOfMs(u.bucket_start_ms))) {
        // As in pricing: writes the 5m/1h split does not cover are 5m.
        const Tokens& t = u.tokens;
        const uint64_t write_1h = std::min(t.cache_creation_1h, t.cache_creation);
        const uint64_t write_5m = t.cache_creation - write_1h;
        AddSaturating(&v.cache.read_savings_nano,
                      MultiplySaturating(t.cache_read, r->rates.input - r->rates.cache_read));
        AddSaturating(&v.cache.write_premium_nano,
                      MultiplySaturating(write_5m, r->rates.cache_write_5m - r->rates.input));
        AddSaturating(&v.cache.write_premium_nano,
                      MultiplySaturating(write_1h, r->rates.cache_write_1h - r->rates.input));
      }
    }
    v.first_ms = std::min(v.first_ms.value_or(INT64_MAX), u.first_ms);
    v.last_ms = std::max(v.last_ms.value_or(INT64_MIN), u.last_ms);
  }
  if (__builtin_sub_overflow(v.cache.read_savings_nano, v.cache.write_premium_nano,
                             &v.cache.saved_nano)) {
    v.cache.saved_nano = v.cache.write_premium_nano > 0 ? INT64_MIN : INT64_MAX;
  }
  if (v.cache.input_side_tokens > 0) {
    v.cache.read_share = static_cast<double>(v.cache.cache_read_tokens) /
                         static_cast<double>(v.cache.input_side_tokens);
  }
  v.models = ModelsByCost(model_cost);
  for (const auto& [source, n] : sources) v.sources.push_back(source);
  v.block = ActiveBlock(data, o);
  return v;
}

Result<SeriesView> BuildSeries(const UsageData& data, const ViewOptions& o,
                               SeriesBucket bucket, int64_t from_ms,
                               int64_t to_ms) {
  if (to_ms <= from_ms) {
    return Status::InvalidArgument("to: must be after from");
  }
  SeriesView v;
  v.bucket = bucket;
  for (int64_t t = SeriesStart(bucket, o, from_ms); t < to_ms;
       t = SeriesNext(bucket, o, t)) {
    if (v.starts_ms.size() == kMaxSeriesPoints) {
      return Status::InvalidArgument(
          "from/to: more than " + std::to_string(kMaxSeriesPoints) + " " +
          ToString(bucket) + " buckets; choose a larger bucket or a shorter "
          "range");
    }
    v.starts_ms.push_back(t);
  }
  std::map<std::string, int64_t> model_cost;
  std::unordered_map<std::string, std::vector<UsageTotals>> by_model;
  for (const UsageRow& u : data.rows) {
    if (u.bucket_start_ms < v.starts_ms.front() || u.bucket_start_ms >= to_ms) {
      continue;
    }
    const auto it = std::upper_bound(v.starts_ms.begin(), v.starts_ms.end(),
                                     u.bucket_start_ms);
    const size_t point = static_cast<size_t>(it - v.starts_ms.begin()) - 1;
    const std::string& model = data.dim(u).model;
    if (IsSyntheticModel(model)) continue;  // Not a model (usage_report.h).
    std::vector<UsageTotals>& series = by_model[model];
    if (series.empty()) series.resize(v.starts_ms.size());
    series[point].Add(u);
    model_cost[model] += u.cost_nano;
  }
  v.models = ModelsByCost(model_cost);
  for (const std::string& m : v.models) v.by_model.push_back(by_model[m]);
  return v;
}

BreakdownView BuildBreakdown(const UsageData& data, const BreakdownQuery& q) {
  std::unordered_map<std::string, BreakdownRow> groups;
  std::unordered_map<std::string, std::map<std::string, int64_t>> models;
  for (const UsageRow& u : data.rows) {
    if (u.bucket_start_ms < q.from_ms || u.bucket_start_ms >= q.to_ms) {
      continue;
    }
    const UsageDim& d = data.dim(u);
    const std::string& key = KeyOf(d, q.by);
    // <synthetic> is not a model: no row of its own by model, and not in
    // a row's models; its requests count in the other groupings.
    if (q.by == BreakdownBy::kModel && IsSyntheticModel(key)) continue;
    auto [it, added] = groups.try_emplace(key);
    BreakdownRow& row = it->second;
    if (added) {
      row.name = key;
      row.first_ms = u.first_ms;
      row.last_ms = u.last_ms;
    }
    if (q.by == BreakdownBy::kSession && u.first_ms <= row.first_ms) {
      row.project = d.project;
    }
    row.totals.Add(u);
    row.first_ms = std::min(row.first_ms, u.first_ms);
    row.last_ms = std::max(row.last_ms, u.last_ms);
    if (!IsSyntheticModel(d.model)) models[key][d.model] += u.cost_nano;
  }
  const std::string needle = Lower(q.search);
  std::vector<BreakdownRow> rows;
  // A project is found by its folder or by the path shown for it.
  auto shown_holds = [&](const std::string& project) {
    return q.projects != nullptr && !project.empty() &&
           Lower(q.projects->Display(project)).find(needle) != std::string::npos;
  };
  for (auto& [key, row] : groups) {
    const std::string& project =
        q.by == BreakdownBy::kProject ? row.name : row.project;
    if (!needle.empty() && Lower(row.name).find(needle) == std::string::npos &&
        Lower(row.project).find(needle) == std::string::npos &&
        !shown_holds(project)) {
      continue;
    }
    row.models = ModelsByCost(models[key]);
    rows.push_back(std::move(row));
  }
  auto less = [&q](const BreakdownRow& a, const BreakdownRow& b) {
    switch (q.sort) {
      case BreakdownSort::kCost:
        if (a.totals.cost_nano != b.totals.cost_nano) {
          return a.totals.cost_nano < b.totals.cost_nano;
        }
        break;
      case BreakdownSort::kTokens:
        if (a.totals.tokens.Total() != b.totals.tokens.Total()) {
          return a.totals.tokens.Total() < b.totals.tokens.Total();
        }
        break;
      case BreakdownSort::kEvents:
        if (a.totals.events != b.totals.events) {
          return a.totals.events < b.totals.events;
        }
        break;
      case BreakdownSort::kLast:
        if (a.last_ms != b.last_ms) return a.last_ms < b.last_ms;
        break;
      case BreakdownSort::kName:
        break;
    }
    return a.name < b.name;
  };
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return q.descending ? less(b, a) : less(a, b);
  });
  BreakdownView v;
  v.total_rows = rows.size();
  for (size_t i = q.offset; i < rows.size() && v.rows.size() < q.limit; ++i) {
    v.rows.push_back(std::move(rows[i]));
  }
  return v;
}

std::optional<SeriesBucket> ParseSeriesBucket(std::string_view s) {
  if (s == "hour") return SeriesBucket::kHour;
  if (s == "day") return SeriesBucket::kDay;
  if (s == "week") return SeriesBucket::kWeek;
  return std::nullopt;
}

std::optional<BreakdownBy> ParseBreakdownBy(std::string_view s) {
  if (s == "project") return BreakdownBy::kProject;
  if (s == "model") return BreakdownBy::kModel;
  if (s == "source") return BreakdownBy::kSource;
  if (s == "session") return BreakdownBy::kSession;
  return std::nullopt;
}

std::optional<BreakdownSort> ParseBreakdownSort(std::string_view s) {
  if (s == "cost") return BreakdownSort::kCost;
  if (s == "tokens") return BreakdownSort::kTokens;
  if (s == "events") return BreakdownSort::kEvents;
  if (s == "last") return BreakdownSort::kLast;
  if (s == "name") return BreakdownSort::kName;
  return std::nullopt;
}

const char* ToString(SeriesBucket b) {
  switch (b) {
    case SeriesBucket::kHour:
      return "hour";
    case SeriesBucket::kDay:
      return "day";
    case SeriesBucket::kWeek:
      return "week";
  }
  return "day";
}

}  // namespace cc
