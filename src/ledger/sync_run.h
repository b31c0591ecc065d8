// A sync run's row in `sync_runs`: the counters a run records
// (LedgerWriter::BeginRun, Heartbeat, FinishRun) and the run as read back
// (LedgerReader::LastRun, LedgerSummary::last_run).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cc {

struct RunCounters {
  uint64_t files_scanned = 0;
  uint64_t files_new = 0;
  uint64_t files_changed = 0;
  uint64_t files_reread = 0;
  uint64_t files_gone = 0;
  uint64_t bytes_read = 0;
  uint64_t lines = 0;
  uint64_t events_new = 0;
  uint64_t events_updated = 0;
  uint64_t rejects = 0;
};

struct RunInfo {
  int64_t id = 0;
  std::string mode;
  int64_t pid = 0;
  std::string source;
  int64_t started_ms = 0;
  int64_t heartbeat_ms = 0;
  std::optional<int64_t> finished_ms;
  std::string result;                   // running | ok | failed | interrupted.
  std::optional<int64_t> last_sync_ms;  // A monitor's latest finished pass.
  std::string error;
  RunCounters counters;

  // When its latest pass finished: a monitor's last pass, else the run's
  // end, else (nothing finished yet) its start.
  int64_t LastPassMs() const {
    return last_sync_ms.value_or(finished_ms.value_or(started_ms));
  }
};

}  // namespace cc
