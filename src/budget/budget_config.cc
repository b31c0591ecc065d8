#include "budget/budget_config.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace cc {
namespace {

namespace dom = simdjson::dom;

constexpr const char* kBudgetKeys =
    "name, period, usd, tokens, thresholds, project, source";
constexpr const char* kAlertKeys =
    "webhook, command, desktop, projection, anomaly";
constexpr const char* kAnomalyKeys = "enabled, k, minUsd";
constexpr int kMaxThresholdPct = 1000;

// A number as a person wrote it: "20", "-5", "1.5".
std::string NumberText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::optional<BudgetPeriod> PeriodFromName(std::string_view name) {
  for (BudgetPeriod p : {BudgetPeriod::kDay, BudgetPeriod::kWeek,
                         BudgetPeriod::kMonth, BudgetPeriod::kBlock}) {
    if (name == BudgetPeriodName(p)) return p;
  }
  return std::nullopt;
}

std::string UnknownPeriod(std::string_view name) {
  return "unknown period \"" + std::string(name) +
         "\" (day, week, month or block)";
}

// Why `v` cannot be a limit ("" when it can).
std::string AmountProblem(double v) {
  if (v < 0) return "negative (" + NumberText(v) + "); a limit is more than 0";
  if (v == 0) return "0; a limit is more than 0";
  return "";
}

// Why `pct` cannot be a threshold ("" when it can).
std::string ThresholdProblem(int64_t pct) {
  if (pct >= 1 && pct <= kMaxThresholdPct) return "";
  return std::to_string(pct) + " is not a percentage in 1..1000";
}

// Adds `pct` to `b`'s thresholds; why not, when it is a duplicate.
std::string AddThreshold(Budget* b, int64_t pct) {
  if (std::string why = ThresholdProblem(pct); !why.empty()) return why;
  const int p = static_cast<int>(pct);
  if (std::find(b->thresholds.begin(), b->thresholds.end(), p) !=
      b->thresholds.end()) {
    return std::to_string(pct) + " appears twice";
  }
  b->thresholds.push_back(p);
  return "";
}

// Exactly one of usd and tokens.
std::string LimitProblem(const Budget& b) {
  if (b.usd && b.tokens) {
    return "both \"usd\" and \"tokens\"; a budget counts one of them (make "
           "two budgets)";
  }
  if (!b.usd && !b.tokens) {
    return "neither \"usd\" nor \"tokens\": say how much the budget allows";
  }
  return "";
}

// The name a budget without one gets: "month", "week ~/work/billing",
// "day @laptop".
std::string DerivedName(const Budget& b) {
  std::string name = BudgetPeriodName(b.period);
  if (!b.project.empty()) name.append(" ").append(b.project);
  if (!b.source.empty()) name.append(" @").append(b.source);
  return name;
}

// --- The config file ---

class JsonReader {
 public:
  explicit JsonReader(const std::string& file) : file_(file) {}

  Status Error(const std::string& path, const std::string& why) const {
    return Status::InvalidArgument(file_ + ": " + path + ": " + why);
  }

  Result<std::string> String(dom::element v, const std::string& path,
                             bool may_be_empty) const {
    std::string_view s;
    if (v.get_string().get(s)) return Error(path, "expected a string");
    if (s.empty() && !may_be_empty) return Error(path, "empty");
    return std::string(s);
  }

  Result<bool> Bool(dom::element v, const std::string& path) const {
    bool b = false;
    if (v.get_bool().get(b)) return Error(path, "expected true or false");
    return b;
  }

  Result<double> Number(dom::element v, const std::string& path,
                        const char* what) const {
    double d = 0;
    if (v.get_double().get(d)) {
      return Error(path, std::string("expected a number (") + what + ")");
    }
    return d;
  }

  // A whole number (5 or 5.0); `what` says of what.
  Result<int64_t> Whole(dom::element v, const std::string& path,
                        const char* what) const {
    int64_t n = 0;
    if (!v.get_int64().get(n)) return n;
    double d = 0;
    if (v.get_double().get(d)) {
      return Error(path, std::string("expected a whole number of ") + what);
    }
    if (d != std::floor(d) || std::fabs(d) > 9e18) {
      return Error(path, std::string("expected a whole number of ") + what +
                             " (got " + NumberText(d) + ")");
    }
    return static_cast<int64_t>(d);
  }

  Result<Budget> ReadBudget(dom::element v, const std::string& at) const;
  Status ReadThresholds(dom::element v, const std::string& at,
                        Budget* b) const;
  Result<AlertSettings> ReadAlerts(dom::element v) const;
  Status ReadAnomaly(dom::element v, AnomalySettings* out) const;

 private:
  const std::string& file_;
};

Status JsonReader::ReadThresholds(dom::element v, const std::string& at,
                                  Budget* b) const {
  dom::array list;
  if (v.get_array().get(list)) {
    return Error(at, "expected an array of percentages such as [50, 80, 100]");
  }
  if (list.size() == 0) {
    return Error(at, "empty; give at least one percentage (such as [100])");
  }
  b->thresholds.clear();
  size_t i = 0;
  for (dom::element t : list) {
    const std::string path = at + "[" + std::to_string(i++) + "]";
    Result<int64_t> pct = Whole(t, path, "percent");
    if (!pct.ok()) return pct.status();
    if (std::string why = AddThreshold(b, *pct); !why.empty()) {
      return Error(path, why);
    }
  }
  std::sort(b->thresholds.begin(), b->thresholds.end());
  return Status::Ok();
}

Result<Budget> JsonReader::ReadBudget(dom::element v,
                                      const std::string& at) const {
  dom::object obj;
  if (v.get_object().get(obj)) {
    return Error(at, "expected an object such as {\"period\": \"day\", "
                     "\"usd\": 20}");
  }
  Budget b;
  bool has_period = false;
  for (dom::key_value_pair kv : obj) {
    const std::string key(kv.key);
    const std::string path = at + "." + key;
    if (key == "name" || key == "project" || key == "source") {
      Result<std::string> s = String(kv.value, path, false);
      if (!s.ok()) return s.status();
      (key == "name" ? b.name : key == "project" ? b.project : b.source) = *s;
    } else if (key == "period") {
      std::string_view name;
      if (kv.value.get_string().get(name)) {
        return Error(path, "expected a string (day, week, month or block)");
      }
      std::optional<BudgetPeriod> p = PeriodFromName(name);
      if (!p) return Error(path, UnknownPeriod(name));
      b.period = *p;
      has_period = true;
    } else if (key == "usd") {
      Result<double> d = Number(kv.value, path, "dollars");
      if (!d.ok()) return d.status();
      if (std::string why = AmountProblem(*d); !why.empty()) {
        return Error(path, why);
      }
      b.usd = *d;
    } else if (key == "tokens") {
      Result<int64_t> n = Whole(kv.value, path, "tokens");
      if (!n.ok()) return n.status();
      if (std::string why = AmountProblem(static_cast<double>(*n));
          !why.empty()) {
        return Error(path, why);
      }
      b.tokens = *n;
    } else if (key == "thresholds") {
      if (Status s = ReadThresholds(kv.value, path, &b); !s.ok()) return s;
    } else {
      return Error(path, std::string("unknown key (known: ") + kBudgetKeys + ")");
    }
  }
  if (!has_period) return Error(at, "no \"period\" (day, week, month or block)");
  if (std::string why = LimitProblem(b); !why.empty()) return Error(at, why);
  return b;
}

Status JsonReader::ReadAnomaly(dom::element v, AnomalySettings* out) const {
  dom::object obj;
  if (v.get_object().get(obj)) {
    return Error("alerts.anomaly",
                 "expected an object such as {\"enabled\": true, \"k\": 5, "
                 "\"minUsd\": 1}");
  }
  for (dom::key_value_pair kv : obj) {
    const std::string key(kv.key);
    const std::string path = "alerts.anomaly." + key;
    if (key == "enabled") {
      Result<bool> b = Bool(kv.value, path);
      if (!b.ok()) return b.status();
      out->enabled = *b;
    } else if (key == "k") {
      Result<double> k = Number(kv.value, path, "how many MADs above the median");
      if (!k.ok()) return k.status();
      if (*k <= 0) return Error(path, "must be more than 0, got " + NumberText(*k));
      out->k = *k;
    } else if (key == "minUsd") {
      Result<double> d = Number(kv.value, path, "dollars");
      if (!d.ok()) return d.status();
      if (*d < 0) return Error(path, "negative (" + NumberText(*d) + ")");
      out->min_usd = *d;
    } else {
      return Error(path, std::string("unknown key (known: ") + kAnomalyKeys + ")");
    }
  }
  return Status::Ok();
}

Result<AlertSettings> JsonReader::ReadAlerts(dom::element v) const {
  dom::object obj;
  if (v.get_object().get(obj)) {
    return Error("alerts", std::string("expected an object (keys: ") +
                               kAlertKeys + ")");
  }
  AlertSettings out;
  for (dom::key_value_pair kv : obj) {
    const std::string key(kv.key);
    const std::string path = "alerts." + key;
    if (key == "webhook") {
      // The URL may carry a token: never quoted back.
      std::string_view url;
      if (kv.value.get_string().get(url)) {
        return Error(path, "expected a string (an http:// or https:// URL)");
      }
      if (!url.empty() && url.rfind("http://", 0) != 0 &&
          url.rfind("https://", 0) != 0) {
        return Error(path, "expected an http:// or https:// URL");
      }
      out.channels.webhook_url = std::string(url);
    } else if (key == "command") {
      Result<std::string> s = String(kv.value, path, true);
      if (!s.ok()) return s.status();
      out.channels.command = *s;
    } else if (key == "desktop" || key == "projection") {
      Result<bool> b = Bool(kv.value, path);
      if (!b.ok()) return b.status();
      (key == "desktop" ? out.channels.desktop : out.projection) = *b;
    } else if (key == "anomaly") {
      if (Status s = ReadAnomaly(kv.value, &out.anomaly); !s.ok()) return s;
    } else {
      return Error(path, std::string("unknown key (known: ") + kAlertKeys + ")");
    }
  }
  return out;
}

// --- The flag ---

Status FlagError(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("--budget '" + std::string(text) + "': " +
                                 why +
                                 " (expected PERIOD:usd=N or PERIOD:tokens=N, "
                                 "then ,name= ,project= ,source= "
                                 ",thresholds=50/80/100)");
}

// A number that is the whole of `text`.
std::optional<double> WholeNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !std::isfinite(d)) return std::nullopt;
  return d;
}

// One KEY=VALUE part of a --budget flag into `b`; why not ("" = taken).
std::string ApplyFlagPart(const std::string& key, const std::string& value,
                          Budget* b) {
  if (key == "usd" || key == "tokens") {
    std::optional<double> d = WholeNumber(value);
    if (!d) return key + "=" + value + ": not a number";
    if (std::string why = AmountProblem(*d); !why.empty()) {
      return key + ": " + why;
    }
    if (key == "usd") {
      b->usd = *d;
      return "";
    }
    if (*d != std::floor(*d) || *d > 9e18) {
      return "tokens=" + value + ": not a whole number of tokens";
    }
    b->tokens = static_cast<int64_t>(*d);
    return "";
  }
  if (key == "name" || key == "project" || key == "source") {
    if (value.empty()) return key + ": empty";
    (key == "name" ? b->name : key == "project" ? b->project : b->source) = value;
    return "";
  }
  if (key == "thresholds") {
    b->thresholds.clear();
    size_t from = 0;
    for (;;) {
      const size_t slash = value.find('/', from);
      const std::string part = value.substr(from, slash - from);
      std::optional<double> d = WholeNumber(part);
      if (!d || *d != std::floor(*d) || std::fabs(*d) > 1e9) {
        return "thresholds: '" + part + "' is not a whole percentage";
      }
      if (std::string why = AddThreshold(b, static_cast<int64_t>(*d));
          !why.empty()) {
        return "thresholds: " + why;
      }
      if (slash == std::string::npos) break;
      from = slash + 1;
    }
    std::sort(b->thresholds.begin(), b->thresholds.end());
    return "";
  }
  return "unknown key '" + key + "' (known: usd, tokens, name, project, "
         "source, thresholds)";
}

}  // namespace

const char* BudgetPeriodName(BudgetPeriod period) {
  switch (period) {
    case BudgetPeriod::kDay: return "day";
    case BudgetPeriod::kWeek: return "week";
    case BudgetPeriod::kMonth: return "month";
    case BudgetPeriod::kBlock: return "block";
  }
  return "day";
}

Result<BudgetConfig> ParseBudgetConfig(const std::string& file,
                                       std::string_view budgets_json,
                                       std::string_view alerts_json) {
  JsonReader reader(file);
  BudgetConfig out;
  dom::parser parser;
  if (!alerts_json.empty()) {
    dom::element alerts;
    if (parser.parse(alerts_json.data(), alerts_json.size()).get(alerts)) {
      return reader.Error("alerts", "not JSON");
    }
    Result<AlertSettings> settings = reader.ReadAlerts(alerts);
    if (!settings.ok()) return settings.status();
    out.alerts = std::move(*settings);
  }
  if (budgets_json.empty()) return out;
  dom::element budgets;
  if (parser.parse(budgets_json.data(), budgets_json.size()).get(budgets)) {
    return reader.Error("budgets", "not JSON");
  }
  dom::array list;
  if (budgets.get_array().get(list)) {
    return reader.Error("budgets", "expected an array such as [{\"period\": "
                                   "\"day\", \"usd\": 20}]");
  }
  size_t i = 0;
  for (dom::element v : list) {
    Result<Budget> b = reader.ReadBudget(v, "budgets[" + std::to_string(i++) + "]");
    if (!b.ok()) return b.status();
    out.budgets.push_back(std::move(*b));
  }
  Status named = NameBudgets(&out.budgets, [](size_t n) {
    return "budgets[" + std::to_string(n) + "]";
  });
  if (!named.ok()) return Status::InvalidArgument(file + ": " + named.message());
  return out;
}

Result<Budget> ParseBudgetFlag(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return FlagError(text, "no ':' after the period");
  std::optional<BudgetPeriod> period = PeriodFromName(text.substr(0, colon));
  if (!period) return FlagError(text, UnknownPeriod(text.substr(0, colon)));
  Budget b;
  b.period = *period;
  const std::string rest(text.substr(colon + 1));
  size_t from = 0;
  while (from <= rest.size()) {
    const size_t comma = rest.find(',', from);
    const std::string part = rest.substr(from, comma - from);
    const size_t eq = part.find('=');
    if (eq == std::string::npos) {
      return FlagError(text, "'" + part + "' is not KEY=VALUE");
    }
    if (std::string why = ApplyFlagPart(part.substr(0, eq), part.substr(eq + 1), &b);
        !why.empty()) {
      return FlagError(text, why);
    }
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  if (std::string why = LimitProblem(b); !why.empty()) return FlagError(text, why);
  return b;
}

Status NameBudgets(std::vector<Budget>* budgets,
                   const std::function<std::string(size_t)>& where) {
  std::map<std::string, size_t> taken;
  for (size_t i = 0; i < budgets->size(); ++i) {
    Budget& b = (*budgets)[i];
    if (b.name.empty()) b.name = DerivedName(b);
    auto [it, added] = taken.emplace(b.name, i);
    if (!added) {
      return Status::InvalidArgument(
          where(i) + ": the name \"" + b.name + "\" is taken by " +
          where(it->second) + "; give one of them a \"name\"");
    }
  }
  return Status::Ok();
}

}  // namespace cc
