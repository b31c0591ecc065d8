#include "validate/validator.h"

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/civil_time.h"
#include "core/clock.h"
#include "ledger/ledger_reader.h"
#include "parse/line_parser.h"
#include "source/transcript_finder.h"
#include "sync/ordered_pipeline.h"
#include "sync/transcript_reader.h"

namespace cc {
namespace {

constexpr size_t kMaxSamples = 10;

struct Derived {
  std::unordered_map<std::string, Event> events;
  std::vector<std::string> unreadable;
};

// Reads every file from byte 0 and merges all records in memory.
Derived DeriveFromFiles(const ScanResult& scan, size_t jobs) {
  Derived out;
  struct Output {
    std::vector<Event> events;
    std::string error;
  };
  OrderedPipeline<Output, LineParser> pipeline(jobs, 4 * jobs + 4, 4);
  ReadOptions options;
  // The timestamp window as a sync now would apply it. A line dated more
  // than a day ahead of an earlier sync, and no longer, shows as missing
  // from the ledger (a backfill takes it).
  options.now_ms = SystemClock().NowMs();
  pipeline.Run(
      scan.files.size(),
      [&](size_t i, LineParser& parser,
          const std::function<void(Output&&)>& sink) {
        Result<FileReadResult> r = ReadTranscript(
            scan.files[i], std::nullopt, options, parser,
            [&sink](FilePiece&& piece) {
              sink(Output{std::move(piece.events), ""});
            });
        if (!r.ok()) sink(Output{{}, r.status().message()});
      },
      [&](size_t, Output&& o) {
        if (!o.error.empty()) out.unreadable.push_back(o.error);
        for (Event& e : o.events) {
          auto [it, inserted] = out.events.try_emplace(e.key, e);
          if (!inserted) it->second.Merge(e);
        }
      });
  return out;
}

}  // namespace

bool ValidationReport::ok() const {
  for (const DayComparison& d : days) {
    if (!d.matches()) return false;
  }
  return events_missing_from_ledger == 0 && events_only_in_ledger == 0;
}

namespace {

bool Dominates(const Tokens& a, const Tokens& b) {
  return a.input >= b.input && a.output >= b.output &&
         a.cache_creation >= b.cache_creation &&
         a.cache_creation_5m >= b.cache_creation_5m &&
         a.cache_creation_1h >= b.cache_creation_1h &&
         a.cache_read >= b.cache_read &&
         a.web_search_requests >= b.web_search_requests &&
         a.web_fetch_requests >= b.web_fetch_requests;
}

// Compares the ledger's events with the events re-derived from the files.
class Comparison {
 public:
  Comparison(const ScanResult& scan, Derived& derived, bool ledger_has_gone_files,
             const PriceTable* prices, ValidationReport* report)
      : derived_(derived),
        has_gone_(ledger_has_gone_files),
        prices_(prices),
        report_(*report) {
    for (const TranscriptFile& f : scan.files) present_.insert(f.path);
    for (const auto& [key, e] : derived_.events) {
      const size_t colon = key.find(':');
      if (colon != std::string::npos) derived_by_request_[key.substr(colon + 1)] = key;
    }
  }

  void AddLedgerEvent(const EventBrief& e) {
    in_ledger_.insert(e.key);
    if (e.exact) {
      // Telemetry's counts are the truth here; the files may hold less.
      // The transcript's copy of the request (its own key when telemetry
      // came second, "msg:req" beside "otel:req" when it came first) is
      // left out too.
      ++report_.events_from_telemetry;
      excluded_.insert(e.key);
      const size_t colon = e.key.find(':');
      if (colon != std::string::npos) {
        auto r = derived_by_request_.find(e.key.substr(colon + 1));
        if (r != derived_by_request_.end()) excluded_.insert(r->second);
      }
      return;
    }
    auto it = derived_.events.find(e.key);
    if (FromGoneFiles(e, it)) {
      ++report_.events_from_gone_files;
      report_.gone_tokens += e.tokens;
      excluded_.insert(e.key);
      return;
    }
    DayComparison& d = Day(e.day);
    d.ledger += e.tokens;
    d.ledger_cost_nano += e.cost_nano;
    ++d.ledger_events;
    if (it == derived_.events.end()) {
      ++report_.events_only_in_ledger;
      Sample(e.key + ": in the ledger, not in " + e.file);
    } else if (!(it->second.tokens == e.tokens)) {
      Sample(e.key + ": tokens differ from the files");
    } else if (prices_ != nullptr && CostOf(it->second) != e.cost_nano) {
      Sample(e.key + ": stored cost " + std::to_string(e.cost_nano) +
             " n$ differs from its price now, " +
             std::to_string(CostOf(it->second)) + " n$");
    }
  }

  void AddDerivedEvents() {
    for (const auto& [key, e] : derived_.events) {
      if (excluded_.count(key)) continue;
      DayComparison& d = Day(UtcDayOfMs(e.first.timestamp_ms));
      d.files += e.tokens;
      ++d.file_events;
      if (prices_ != nullptr) d.files_cost_nano += CostOf(e);
      if (!in_ledger_.count(key)) {
        ++report_.events_missing_from_ledger;
        Sample(key + ": in " + e.first.file + ", not in the ledger");
      }
    }
    for (auto& [day, c] : days_) report_.days.push_back(c);
  }

 private:
  // Whether the files still present cannot vouch for this event because
  // some of its lines were in files that are gone: none of its lines is
  // left, or what is left is smaller (a surviving partial copy, e.g. a
  // progress echo of a deleted subagent file's final line).
  bool FromGoneFiles(const EventBrief& e,
                     std::unordered_map<std::string, Event>::iterator it) {
    if (it == derived_.events.end()) return !present_.count(e.file);
    return has_gone_ && !(it->second.tokens == e.tokens) &&
           Dominates(e.tokens, it->second.tokens);
  }

  DayComparison& Day(int64_t day) {
    DayComparison& c = days_[day];
    c.day = day;
    c.costs_compared = prices_ != nullptr;
    return c;
  }

  // As the ledger stores it: 0 for a model without a price.
  int64_t CostOf(const Event& e) const {
    return prices_->CostOf(CostInputOf(e)).nano;
  }

  void Sample(std::string text) {
    if (report_.sample_differences.size() < kMaxSamples) {
      report_.sample_differences.push_back(std::move(text));
    }
  }

  Derived& derived_;
  const bool has_gone_;
  const PriceTable* prices_;  // Null: costs are not compared.
  ValidationReport& report_;
  std::unordered_set<std::string> present_;
  std::unordered_set<std::string> in_ledger_;
  std::unordered_set<std::string> excluded_;
  std::unordered_map<std::string, std::string> derived_by_request_;
  std::map<int64_t, DayComparison> days_;
};

}  // namespace

Result<ValidationReport> Validate(LedgerReader& ledger,
                                  const std::vector<std::string>& roots,
                                  size_t jobs, const PriceTable* prices) {
  ScanResult scan = FindTranscripts(roots);
  Derived derived = DeriveFromFiles(scan, jobs);
  Result<std::vector<EventBrief>> stored = ledger.AllEvents();
  if (!stored.ok()) return stored.status();
  Result<LedgerSummary> summary = ledger.Summary();
  if (!summary.ok()) return summary.status();

  ValidationReport report;
  if (prices == nullptr) {
    report.costs_not_compared = "no price table given";
  } else {
    Result<std::vector<std::string>> versions = ledger.PriceVersions();
    if (!versions.ok()) return versions.status();
    if (*versions != std::vector<std::string>{prices->version()}) {
      report.costs_not_compared =
          "the ledger's costs come from another price table (run `bridge "
          "reprice`)";
      prices = nullptr;
    }
  }
  report.files_read = scan.files.size();
  report.events_in_files = derived.events.size();
  report.unreadable_files = std::move(derived.unreadable);
  Comparison comparison(scan, derived, summary->files_gone > 0, prices,
                        &report);
  for (const EventBrief& e : *stored) comparison.AddLedgerEvent(e);
  comparison.AddDerivedEvents();
  return report;
}

}  // namespace cc
