#include "validate/validator.h"

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/civil_time.h"
#include "ledger/ledger.h"
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

Result<ValidationReport> Validate(Ledger& ledger,
                                  const std::vector<std::string>& roots,
                                  size_t jobs) {
  ScanResult scan = FindTranscripts(roots);
  Derived derived = DeriveFromFiles(scan, jobs);
  Result<std::vector<EventBrief>> stored = ledger.AllEvents();
  if (!stored.ok()) return stored.status();

  ValidationReport report;
  report.files_read = scan.files.size();
  report.events_in_files = derived.events.size();
  report.unreadable_files = std::move(derived.unreadable);
  std::unordered_set<std::string> present;
  for (const TranscriptFile& f : scan.files) present.insert(f.path);

  std::map<int64_t, DayComparison> days;
  auto day = [&days](int64_t d) -> DayComparison& {
    DayComparison& c = days[d];
    c.day = d;
    return c;
  };
  std::unordered_set<std::string> in_ledger;
  for (const EventBrief& e : *stored) {
    in_ledger.insert(e.key);
    auto it = derived.events.find(e.key);
    if (it == derived.events.end() && !present.count(e.file)) {
      ++report.events_from_gone_files;
      report.gone_tokens += e.tokens;
      continue;
    }
    DayComparison& d = day(e.day);
    d.ledger += e.tokens;
    ++d.ledger_events;
    if (it == derived.events.end()) {
      ++report.events_only_in_ledger;
      if (report.sample_differences.size() < kMaxSamples) {
        report.sample_differences.push_back(
            e.key + ": in the ledger, not in " + e.file);
      }
    } else if (!(it->second.tokens == e.tokens) &&
               report.sample_differences.size() < kMaxSamples) {
      report.sample_differences.push_back(e.key +
                                          ": tokens differ from the files");
    }
  }
  for (const auto& [key, e] : derived.events) {
    DayComparison& d = day(UtcDayOfMs(e.first.timestamp_ms));
    d.files += e.tokens;
    ++d.file_events;
    if (!in_ledger.count(key)) {
      ++report.events_missing_from_ledger;
      if (report.sample_differences.size() < kMaxSamples) {
        report.sample_differences.push_back(
            key + ": in " + e.first.file + ", not in the ledger");
      }
    }
  }
  for (auto& [d, c] : days) report.days.push_back(c);
  return report;
}

}  // namespace cc
