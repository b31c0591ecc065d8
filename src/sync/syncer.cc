#include "sync/syncer.h"

#include <algorithm>
#include <map>
#include <unordered_set>
#include <utility>

#include "ledger/ledger_reader.h"
#include "ledger/ledger_writer.h"
#include "parse/line_parser.h"
#include "sync/async_committer.h"
#include "sync/batch_builder.h"
#include "sync/ordered_pipeline.h"
#include "sync/transcript_reader.h"

namespace cc {
namespace {

struct Task {
  const TranscriptFile* file;
  std::optional<Checkpoint> previous;
};

// What a worker hands the committer: a piece of a file, or, last, how the
// visit ended.
struct TaskOutput {
  FilePiece piece;
  bool is_piece = false;
  Status error;
  FileChange change = FileChange::kNew;
  bool skipped = false;  // Not read: the pass was asked to stop.
};

struct Plan {
  std::vector<Task> tasks;
  std::vector<std::string> gone;
  uint64_t bytes_total = 0;
};

bool Unchanged(const TranscriptFile& f, const Checkpoint& c) {
  return !c.gone && c.identity == f.identity;
}

// Checkpoints of files that are no longer at their path, by device and
// inode: a file renamed or moved inside the tree resumes from its old
// checkpoint instead of being read again (its fingerprint is still checked:
// a reused inode of another file fails it and is read from 0).
using MovedIndex = std::map<std::pair<uint64_t, uint64_t>, const Checkpoint*>;

Plan MakePlan(const ScanResult& scan,
              const CheckpointMap& checkpoints,
              const SyncOptions& options) {
  Plan plan;
  // scan.files is sorted by path: a binary search tells what is present.
  auto present = [&scan](const std::string& path) {
    auto it = std::lower_bound(
        scan.files.begin(), scan.files.end(), path,
        [](const TranscriptFile& f, const std::string& p) { return f.path < p; });
    return it != scan.files.end() && it->path == path;
  };
  std::unordered_set<std::string> roots(scan.scanned_roots.begin(),
                                        scan.scanned_roots.end());
  MovedIndex moved;
  for (const auto& [path, c] : checkpoints) {
    if (present(path)) continue;
    moved[{c.identity.device, c.identity.inode}] = &c;
    if (!c.gone && roots.count(c.root)) plan.gone.push_back(path);
  }
  std::sort(plan.gone.begin(), plan.gone.end());

  for (const TranscriptFile& f : scan.files) {
    auto it = checkpoints.find(f.path);
    if (options.mode == SyncMode::kOnce && it != checkpoints.end() &&
        Unchanged(f, it->second)) {
      continue;
    }
    std::optional<Checkpoint> previous;
    if (it != checkpoints.end()) {
      previous = it->second;
    } else if (auto m = moved.find({f.identity.device, f.identity.inode});
               m != moved.end() && options.mode == SyncMode::kOnce) {
      previous = *m->second;  // Moved here: resume where it was.
      previous->path = f.path;
      previous->root = f.root;
      previous->project = f.project;
      previous->gone = false;
    }
    uint64_t from = options.mode == SyncMode::kOnce && previous &&
                            previous->offset <= f.identity.size_bytes
                        ? previous->offset
                        : 0;
    plan.bytes_total += f.identity.size_bytes - from;
    plan.tasks.push_back(Task{&f, std::move(previous)});
  }
  return plan;
}

void CountChange(FileChange change, RunCounters* c) {
  switch (change) {
    case FileChange::kNew: ++c->files_new; break;
    case FileChange::kAppended: ++c->files_changed; break;
    case FileChange::kReread: ++c->files_reread; break;
  }
}

// One pass: the state shared by the producer (worker threads) and the
// consumer (the calling thread) of the OrderedPipeline.
class Pass {
 public:
  Pass(const SyncOptions& options, const Plan& plan, const Clock& clock,
       SyncObserver* observer, SyncReport* report)
      : options_(options), plan_(plan), clock_(clock), observer_(observer),
        report_(*report), started_ns_(clock.SteadyNs()) {
    read_options_.ignore_checkpoint = options.mode == SyncMode::kBackfill;
    read_options_.now_ms = clock.NowMs();
    progress_.files_total = plan.tasks.size();
    progress_.bytes_total = plan.bytes_total;
  }

  // Reads every planned file; commits through `committer` (null: dry run).
  void Run(AsyncCommitter* committer) {
    committer_ = committer;
    OrderedPipeline<TaskOutput, LineParser> pipeline(
        options_.jobs, 4 * options_.jobs + 4, 4);
    pipeline.Run(
        plan_.tasks.size(),
        [this](size_t i, LineParser& parser,
               const std::function<void(TaskOutput&&)>& sink) {
          Produce(i, parser, sink);
        },
        [this](size_t i, TaskOutput&& out) { Consume(i, std::move(out)); });
    SubmitBatch();
    report_.unique_events = dry_run_keys_.size();
  }

  void ReportProgress() {
    if (observer_ == nullptr) return;
    progress_.elapsed_ns = clock_.SteadyNs() - started_ns_;
    if (committer_ != nullptr) {
      CommitStats s = committer_->stats();
      progress_.events = s.events_new + s.events_updated;
    }
    observer_->OnProgress(progress_);
  }

 private:
  // Worker thread: read one file, hand out its pieces, then how it ended.
  void Produce(size_t i, LineParser& parser,
               const std::function<void(TaskOutput&&)>& sink) {
    const Task& task = plan_.tasks[i];
    if (options_.stop != nullptr && options_.stop->load()) {
      TaskOutput skipped;
      skipped.error = Status::Busy("interrupted before it was read");
      skipped.skipped = true;
      sink(std::move(skipped));
      return;
    }
    Result<FileReadResult> done = ReadTranscript(
        *task.file, task.previous, read_options_, parser,
        [&sink](FilePiece&& piece) {
          TaskOutput out;
          out.piece = std::move(piece);
          out.is_piece = true;
          sink(std::move(out));
        });
    TaskOutput end;
    end.error = done.status();
    if (done.ok()) end.change = done->change;
    sink(std::move(end));
  }

  // Calling thread, in file order.
  void Consume(size_t i, TaskOutput&& out) {
    if (out.is_piece) {
      AddPiece(std::move(out.piece));
    } else {
      ++progress_.files_done;
      if (out.skipped) {
        report_.interrupted = true;
      } else if (out.error.ok()) {
        CountChange(out.change, &report_.counters);
      } else {
        report_.file_problems.push_back(
            {plan_.tasks[i].file->path, out.error.message()});
      }
    }
    ReportProgress();
  }

  void AddPiece(FilePiece&& piece) {
    RunCounters& c = report_.counters;
    c.bytes_read += piece.bytes_read;
    c.lines += piece.lines;
    c.rejects += piece.rejected_lines;
    report_.records += piece.records;
    progress_.bytes_done += piece.bytes_read;
    if (committer_ == nullptr) {
      for (const Event& e : piece.events) {
        if (options_.days.Contains(UtcDayOfMs(e.first.timestamp_ms))) {
          dry_run_keys_.insert(e.key);
          Preview(e);
        }
      }
      progress_.events = dry_run_keys_.size();
      return;
    }
    // A date-limited backfill did not count everything it read: it must
    // not claim so in a checkpoint.
    bool keep_checkpoint = !options_.days.bounded();
    batch_.Add(std::move(piece), keep_checkpoint);
    if (batch_.events() >= options_.batch_events ||
        batch_.bytes() >= options_.batch_bytes) {
      SubmitBatch();
    }
  }

  // Dry run: would merging `e` add or change a stored event? Each key is
  // counted once, when a copy first would. A copy that would change
  // nothing is checked alone: copies that each leave the stored event as
  // it is leave it so together (field-wise maxima, the earliest record),
  // so only the keys already counted are remembered, not their events.
  void Preview(const Event& e) {
    if (!preview_status_.ok()) return;
    if (options_.dry_run_ledger == nullptr) {
      report_.counters.events_new = dry_run_keys_.size();  // All new.
      return;
    }
    if (counted_.count(e.key) > 0) return;
    Result<std::optional<Event>> stored = options_.dry_run_ledger->StoredEvent(e.key);
    if (!stored.ok()) {
      preview_status_ = stored.status();
      return;
    }
    if (!*stored) {
      counted_.insert(e.key);
      ++report_.counters.events_new;
    } else if (Event merged = **stored; merged.Merge(e)) {
      counted_.insert(e.key);
      ++report_.counters.events_updated;
    }
  }

 public:
  const Status& preview_status() const { return preview_status_; }

 private:
  void SubmitBatch() {
    if (committer_ == nullptr || batch_.empty()) return;
    committer_->Submit(batch_.Take(), report_.counters);
  }

  const SyncOptions& options_;
  const Plan& plan_;
  const Clock& clock_;
  SyncObserver* observer_;
  SyncReport& report_;
  const int64_t started_ns_;
  ReadOptions read_options_;
  SyncProgress progress_;
  AsyncCommitter* committer_ = nullptr;
  BatchBuilder batch_{options_.days};
  std::unordered_set<std::string> dry_run_keys_;
  std::unordered_set<std::string> counted_;  // Dry run: new or changed.
  Status preview_status_;
};

}  // namespace

Result<SyncReport> Syncer::Run(const SyncOptions& options,
                               SyncObserver* observer) {
  const int64_t started_ns = clock_.SteadyNs();
  const bool writing = !options.dry_run;
  if (writing && ledger_ == nullptr) {
    return Status::InvalidArgument("a ledger is required unless dry-running");
  }
  SyncReport report;
  ScanResult scan = options.only_paths
                        ? DescribeTranscripts(*options.only_paths, options.roots)
                        : FindTranscripts(options.roots);
  report.scan_problems = scan.problems;
  report.counters.files_scanned = scan.files.size();
  CheckpointMap checkpoints;
  if (!writing && options.dry_run_ledger != nullptr) {
    if (Status s = options.dry_run_ledger->LoadCheckpoints(&checkpoints); !s.ok()) {
      return s;
    }
  } else if (writing) {
    Status s = options.only_paths
                   ? ledger_->reader().LoadCheckpoints(*options.only_paths, &checkpoints)
                   : ledger_->reader().LoadCheckpoints(&checkpoints);
    if (!s.ok()) return s;
  }
  Plan plan = MakePlan(scan, checkpoints, options);
  report.counters.files_gone = plan.gone.size();
  if (options.collect_seen) report.seen = scan.files;

  Pass pass(options, plan, clock_, observer, &report);
  if (!writing) {
    pass.Run(nullptr);
    if (!pass.preview_status().ok()) return pass.preview_status();
    report.elapsed_ns = clock_.SteadyNs() - started_ns;
    return report;
  }

  const bool own_run = options.run_id == 0;
  report.run_id = options.run_id;
  if (own_run) {
    Result<int64_t> run = ledger_->BeginRun(
        options.mode == SyncMode::kOnce ? "once" : "backfill", options.source,
        clock_.NowMs());
    if (!run.ok()) return run.status();
    report.run_id = *run;
  }
  Status failure;
  {
    // Heartbeats only for a run this pass owns: the owner of a longer run
    // writes its own, with its own totals.
    AsyncCommitter committer(*ledger_, options.source, clock_,
                             own_run ? report.run_id : 0);
    pass.Run(&committer);
    failure = committer.Finish();
    report.counters.events_new = committer.stats().events_new;
    report.counters.events_updated = committer.stats().events_updated;
    report.tokens_added = committer.stats().tokens_added;
    report.unpriced_models = committer.stats().unpriced_models;
  }
  if (failure.ok() && !options.days.bounded()) {
    failure = ledger_->MarkGone(plan.gone);
  }
  report.elapsed_ns = clock_.SteadyNs() - started_ns;
  if (options.collect_seen) {  // Files that failed are not "seen": retry.
    std::unordered_set<std::string> failed;
    for (const FileProblem& p : report.file_problems) failed.insert(p.path);
    std::erase_if(report.seen, [&failed](const TranscriptFile& f) {
      return failed.count(f.path) > 0;
    });
  }
  if (!own_run) {
    if (!failure.ok()) return failure;
    return report;
  }
  return Finish(report, failure);
}

Result<SyncReport> Syncer::Finish(SyncReport& report, const Status& failure) {
  std::string error = failure.ok() ? "" : failure.message();
  if (error.empty() && !report.file_problems.empty()) {
    error = std::to_string(report.file_problems.size()) +
            " file(s) could not be read";
  }
  const char* result = !failure.ok()         ? "failed"
                       : report.interrupted ? "interrupted"
                                            : "ok";
  Status finished = ledger_->FinishRun(report.run_id, report.counters, result,
                                       error, clock_.NowMs());
  if (!failure.ok()) return failure;
  if (!finished.ok()) return finished;
  return report;
}

}  // namespace cc
