#include "sync/syncer.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "ledger/ledger.h"
#include "parse/line_parser.h"
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
};

struct Plan {
  std::vector<Task> tasks;
  std::vector<std::string> gone;
  uint64_t bytes_total = 0;
};

bool Unchanged(const TranscriptFile& f, const Checkpoint& c) {
  return !c.gone && c.identity == f.identity;
}

Plan MakePlan(const ScanResult& scan,
              const CheckpointMap& checkpoints,
              const SyncOptions& options) {
  Plan plan;
  for (const TranscriptFile& f : scan.files) {
    auto it = checkpoints.find(f.path);
    if (options.mode == SyncMode::kOnce && it != checkpoints.end() &&
        Unchanged(f, it->second)) {
      continue;
    }
    std::optional<Checkpoint> previous;
    if (it != checkpoints.end()) previous = it->second;
    uint64_t from = options.mode == SyncMode::kOnce && previous &&
                            previous->offset <= f.identity.size_bytes
                        ? previous->offset
                        : 0;
    plan.bytes_total += f.identity.size_bytes - from;
    plan.tasks.push_back(Task{&f, std::move(previous)});
  }
  // scan.files is sorted by path: a binary search tells what is present.
  auto present = [&scan](const std::string& path) {
    auto it = std::lower_bound(
        scan.files.begin(), scan.files.end(), path,
        [](const TranscriptFile& f, const std::string& p) { return f.path < p; });
    return it != scan.files.end() && it->path == path;
  };
  std::unordered_set<std::string> roots(scan.scanned_roots.begin(),
                                        scan.scanned_roots.end());
  for (const auto& [path, c] : checkpoints) {
    if (!c.gone && roots.count(c.root) && !present(path)) {
      plan.gone.push_back(path);
    }
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

}  // namespace

Result<SyncReport> Syncer::Run(const SyncOptions& options,
                               SyncObserver* observer) {
  const int64_t started_ns = clock_.SteadyNs();
  SyncReport report;
  const bool writing = !options.dry_run;
  if (writing && ledger_ == nullptr) {
    return Status::InvalidArgument("a ledger is required unless dry-running");
  }

  ScanResult scan = FindTranscripts(options.roots);
  report.scan_problems = scan.problems;
  report.counters.files_scanned = scan.files.size();

  CheckpointMap checkpoints;
  if (writing) {
    if (Status s = ledger_->LoadCheckpoints(&checkpoints); !s.ok()) return s;
  }
  Plan plan = MakePlan(scan, checkpoints, options);
  report.counters.files_gone = plan.gone.size();

  if (writing) {
    Result<int64_t> run = ledger_->BeginRun(
        options.mode == SyncMode::kOnce ? "once" : "backfill", options.source,
        clock_.NowMs());
    if (!run.ok()) return run.status();
    report.run_id = *run;
  }

  ReadOptions read_options;
  read_options.since_day = options.since_day;
  read_options.until_day = options.until_day;
  read_options.ignore_checkpoint = options.mode == SyncMode::kBackfill;
  const bool keep_checkpoints =
      writing && !options.since_day && !options.until_day;

  SyncProgress progress;
  progress.files_total = plan.tasks.size();
  progress.bytes_total = plan.bytes_total;
  BatchBuilder batch;
  std::unordered_set<std::string> dry_run_keys;
  Status failure;
  int64_t last_heartbeat_ns = started_ns;

  auto commit = [&]() {
    if (batch.empty() || !failure.ok()) return;
    Batch b = batch.Take();
    Result<CommitStats> stats =
        ledger_->Commit(b, options.source, clock_.NowMs());
    if (!stats.ok()) {
      failure = stats.status();
      return;
    }
    report.counters.events_new += stats->events_new;
    report.counters.events_updated += stats->events_updated;
    progress.events = report.counters.events_new + report.counters.events_updated;
    if (clock_.SteadyNs() - last_heartbeat_ns > 1'000'000'000) {
      last_heartbeat_ns = clock_.SteadyNs();
      (void)ledger_->Heartbeat(report.run_id, report.counters, clock_.NowMs());
    }
  };

  auto produce = [&](size_t i, LineParser& parser,
                     const std::function<void(TaskOutput&&)>& sink) {
    const Task& task = plan.tasks[i];
    Result<FileReadResult> done = ReadTranscript(
        *task.file, task.previous, read_options, parser,
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
  };

  auto consume = [&](size_t i, TaskOutput&& out) {
    if (!out.is_piece) {
      ++progress.files_done;
      if (out.error.ok()) {
        CountChange(out.change, &report.counters);
      } else {
        report.file_problems.push_back(
            {plan.tasks[i].file->path, out.error.message()});
      }
      return;
    }
    FilePiece& piece = out.piece;
    report.counters.bytes_read += piece.bytes_read;
    report.counters.lines += piece.lines;
    report.counters.rejects += piece.rejects.size();
    report.records += piece.records;
    progress.bytes_done += piece.bytes_read;
    if (!writing) {
      for (const Event& e : piece.events) dry_run_keys.insert(e.key);
      progress.events = dry_run_keys.size();
    } else {
      batch.Add(std::move(piece), keep_checkpoints);
      if (batch.events() >= options.batch_events ||
          batch.bytes() >= options.batch_bytes) {
        commit();
      }
    }
    if (observer) {
      progress.elapsed_ns = clock_.SteadyNs() - started_ns;
      observer->OnProgress(progress);
    }
  };

  OrderedPipeline<TaskOutput, LineParser> pipeline(options.jobs,
                                                   4 * options.jobs + 4, 4);
  pipeline.Run(plan.tasks.size(), produce, consume);
  if (writing) {
    commit();
    if (failure.ok() && keep_checkpoints) failure = ledger_->MarkGone(plan.gone);
  }
  report.unique_events = dry_run_keys.size();
  report.elapsed_ns = clock_.SteadyNs() - started_ns;
  if (writing) {
    std::string error = failure.ok() ? "" : failure.message();
    if (error.empty() && !report.file_problems.empty()) {
      error = std::to_string(report.file_problems.size()) +
              " file(s) could not be read";
    }
    Status finished = ledger_->FinishRun(report.run_id, report.counters,
                                         failure.ok() ? "ok" : "failed", error,
                                         clock_.NowMs());
    if (failure.ok() && !finished.ok()) failure = finished;
  }
  if (!failure.ok()) return failure;
  if (observer) {
    progress.elapsed_ns = report.elapsed_ns;
    observer->OnProgress(progress);
  }
  return report;
}

}  // namespace cc
