// LedgerReader: the queries over the ledger, for reports, the dashboard,
// sync-status and validate (docs/storage.md).
//
// Contract:
//  - Open() takes no lock: WAL lets it read while a writer writes. It can
//    only read; what writes is another type (LedgerWriter, ShipQueue,
//    TelemetryStore).
//  - Or a LedgerWriter's reader() (ledger_writer.h): the sync reads
//    checkpoints, the CLI prints summaries after a sync.
// Thread safety: one thread per LedgerReader (its connection's).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/event.h"
#include "core/result.h"
#include "core/tokens.h"
#include "ledger/checkpoint.h"
#include "ledger/rate_limits.h"
#include "ledger/reject.h"
#include "ledger/sync_run.h"
#include "price/price_table.h"

namespace cc {

namespace sql {
class Database;
class Statement;
}

// Which rollup rows a report wants: [since_ms, until_ms) in UTC.
struct UsageFilter {
  std::optional<int64_t> since_ms;
  std::optional<int64_t> until_ms;
  std::optional<std::string> project;
  std::optional<std::string> source;
};

// What a rollup row is about: one project, session, model and source.
struct UsageDim {
  std::string project;
  std::string session_id;
  std::string model;
  std::string source;
};

// A working directory a project's requests were made in (Claude Code's
// `cwd`), with how many requests (or sessions) and the first one's time: a
// project's folder name is its start directory encoded, which cannot be
// decoded.
struct ProjectCwd {
  std::string project;
  std::string cwd;  // "" for events that recorded none.
  uint64_t events = 0;
  int64_t first_ms = 0;
};

// One rollup row: the events of one UsageDim in one UTC quarter hour.
struct UsageRow {
  int64_t bucket_start_ms = 0;
  uint32_t dim = 0;  // Index into UsageData::dims.
  uint64_t events = 0;
  uint64_t unpriced_events = 0;
  Tokens tokens;
  int64_t cost_nano = 0;
  int64_t first_ms = 0;
  int64_t last_ms = 0;
};

// Rollup rows with the dimensions they refer to (strings once, not once
// per row: a million events make ~10^5 rows but ~10^4 dimensions).
struct UsageData {
  std::vector<UsageDim> dims;
  std::vector<UsageRow> rows;

  const UsageDim& dim(const UsageRow& r) const { return dims[r.dim]; }
};

struct DailyRow {
  int64_t day = 0;  // Days since the epoch (UTC).
  Tokens tokens;
  uint64_t events = 0;
};

struct LedgerSummary {
  uint64_t files_active = 0;
  uint64_t files_gone = 0;
  uint64_t events = 0;
  Tokens tokens;
  int64_t cost_nano = 0;         // Of the priced events.
  uint64_t unpriced_events = 0;  // Models the price table lacks.
  uint64_t rejects = 0;
  std::optional<int64_t> first_event_ms;
  std::optional<int64_t> last_event_ms;
  std::optional<RunInfo> last_run;
  std::vector<std::pair<std::string, uint64_t>> reject_reasons;  // Top few.
  // Claude Code's telemetry (ledger/telemetry_store.cc).
  uint64_t telemetry_requests = 0;
  uint64_t telemetry_errors = 0;
  uint64_t telemetry_points = 0;
  std::optional<int64_t> telemetry_last_ms;  // Last received.
  uint64_t exact_events = 0;  // Summary() only: events telemetry confirmed.
};

// Where shipping stands (sync-status).
struct ShipState {
  std::string ledger_id;
  int64_t shipped_seq = 0;      // Everything up to here is confirmed.
  int64_t frozen_seq = 0;       // Everything up to here is in a batch.
  uint64_t batches = 0;         // Frozen, not yet confirmed.
  uint64_t pending_events = 0;  // change_seq > shipped_seq.
  std::optional<int64_t> oldest_pending_ms;  // Its last change.
  uint64_t rejected_rows = 0;
  std::string target;
  std::string status;  // "", "ok", "retrying", "stopped".
  std::string last_error;
  std::optional<int64_t> last_success_ms;
};

// A metric series' total: delta points summed; cumulative points taken
// per run of the counter (a new start time, or a value that went down, is
// a restart), the last value of each run summed.
struct TelemetryMetricTotal {
  std::string metric;
  std::string attributes;
  double total = 0;
  uint64_t points = 0;
  uint64_t restarts = 0;  // Cumulative series only.
};

// What the dashboard shows of the telemetry.
struct TelemetryOverview {
  uint64_t requests = 0;
  uint64_t exact_events = 0;
  uint64_t events = 0;
  struct Latency {
    std::string model;
    uint64_t requests = 0;
    int64_t p50_ms = 0;
    int64_t p95_ms = 0;
  };
  std::vector<Latency> latency;  // Per model.
  std::vector<std::pair<std::string, uint64_t>> errors_by_status;
  // Requests telemetry and the ledger both know: Claude Code's own cost
  // beside ours (our price table) for the same requests.
  uint64_t priced_requests = 0;
  double claude_cost_usd = 0;
  int64_t our_cost_nano = 0;
};

// The events in a span of time: what a plan-limit window cost.
struct RangeTotals {
  Tokens tokens;
  int64_t cost_nano = 0;  // Of the priced events.
  uint64_t events = 0;
  uint64_t unpriced_events = 0;
};

// One event of a session, as the dashboard lists it.
struct SessionEvent {
  std::string key;
  int64_t timestamp_ms = 0;
  std::string model;
  std::string project;
  std::string source;
  bool is_sidechain = false;
  Tokens tokens;
  int64_t cost_nano = 0;
  bool priced = false;
};

// One session's events summed (the statusline): every event whose
// session_id is this one, subagents' included, each counted once.
struct SessionTotals {
  uint64_t events = 0;
  uint64_t unpriced_events = 0;
  Tokens tokens;
  int64_t cost_nano = 0;
  int64_t first_ms = 0;  // 0 when the session has no events.
  int64_t last_ms = 0;
};

// One event as validate needs it.
struct EventBrief {
  std::string key;
  int64_t day = 0;
  Tokens tokens;
  std::string file;
  int64_t cost_nano = 0;  // As stored (0 when the model has no price).
  bool exact = false;     // Telemetry confirmed (and may have raised) it.
};

// LedgerReader::ProjectCwds on a connection inside a transaction (a
// commit hook's, or InReadTransaction's).
Result<std::vector<ProjectCwd>> ReadProjectCwds(sql::Database& db);

class LedgerReader {
 public:
  ~LedgerReader();

  // Fails with IoError if the ledger does not exist. A ledger from an older
  // program, or never priced, is first brought up to date by a writer
  // (which needs the lock for a moment) using `prices` (null: the built-in
  // table). A ledger that cannot be written (a read-only file, directory or
  // mount) is read read-only (sql::Database::Open; access_note() says why).
  // `may_migrate` false: such a ledger is not brought up to date but fails
  // with NotSupported (the statusline, which must not spend seconds
  // migrating inside its deadline, leaves that to a sync).
  static Result<std::unique_ptr<LedgerReader>> Open(
      const std::string& path, const PriceTable* prices = nullptr,
      bool may_migrate = true);

  // Why this connection reads read-only ("" when it does not; see
  // sql::Database::Open).
  const std::string& access_note() const;
  // SQLite's integrity_check (`quick`: quick_check) of the file: at most
  // `max_problems` lines naming the damage; empty when it is sound.
  Result<std::vector<std::string>> CheckIntegrity(bool quick, int max_problems);

  // Fills *out with every file's checkpoint, by path.
  Status LoadCheckpoints(CheckpointMap* out);
  // The same for just these paths (those the ledger has).
  Status LoadCheckpoints(const std::vector<std::string>& paths,
                         CheckpointMap* out);
  // Rollup rows (ledger/rollup.h) for events in [since_ms, until_ms),
  // optionally of one project or source. Reports aggregate these.
  Result<UsageData> Usage(const UsageFilter& filter);
  // Rollup rows from `since_ms` on, with only the dimensions they name
  // (Usage reads every dimension: O(sessions) however short the range).
  Result<UsageData> RecentUsage(int64_t since_ms);
  // For every project, the cwd of its sessions' first requests, sessions
  // in id order until one is its start directory (its cwd encodes to the
  // folder name; core/project_folder.h); cwd "" when none recorded one.
  // A few indexed reads per project. `events` is 1 per session.
  Result<std::vector<ProjectCwd>> ProjectCwds();
  // `body` over this connection in one read transaction (one snapshot,
  // however a writer commits meanwhile), for the ledger's functions that
  // take a connection (ledger/spend_rows.h, ledger/fired_alerts.h,
  // ReadProjectCwds): what budgets read, the same way a commit hook does.
  Status InReadTransaction(const std::function<Status(sql::Database&)>& body);
  // Price table versions the stored costs come from (more than one, or
  // one other than the current table's: `bridge reprice` would change them).
  Result<std::vector<std::string>> PriceVersions();
  // Inclusive day bounds (days since the epoch, UTC); nullopt = unbounded.
  Result<std::vector<DailyRow>> DailyTotals(std::optional<int64_t> since_day,
                                            std::optional<int64_t> until_day);
  Result<LedgerSummary> Summary();
  // Changes whenever another connection (process or thread) commits to
  // the ledger (SQLite's PRAGMA data_version).
  Result<int64_t> DataVersion();
  // A digest of what the dashboard shows that moves with every write but
  // a monitor's idle heartbeat (sync_runs.heartbeat_ms alone): events
  // through the change sequence, and each other table's counts and marks.
  // Reads no event; a few milliseconds on a large ledger. Compare two
  // stamps for equality only. kStampedTables lists what it covers.
  Result<std::string> ContentStamp();
  static const char* const kStampedTables[];
  // Summary without the event totals (which read every event): files,
  // rejects and the last run.
  Result<LedgerSummary> SyncHealth();
  // The latest sync_runs row (nullopt before the first run).
  Result<std::optional<RunInfo>> LastRun();
  // A session's events in time order, at most `limit` (the dashboard's
  // drill-down).
  Result<std::vector<SessionEvent>> SessionEvents(const std::string& session_id,
                                                  size_t limit);
  // A session's totals: an indexed read of its events (events_by_session).
  Result<SessionTotals> SessionTotalsOf(const std::string& session_id);
  Result<std::vector<EventBrief>> AllEvents();
  Result<std::vector<Reject>> RecentRejects(size_t limit);
  // Every machine label (source) the ledger's usage has, sorted.
  Result<std::vector<std::string>> Sources();
  // The stored event with this key (nullopt: none), for a dry run's "what
  // would a real one change".
  Result<std::optional<Event>> StoredEvent(const std::string& key);

  // --- Shipping, as sync-status and the dashboard show it ---
  Result<ShipState> ShippingState();
  // Where shipping last went ("" if it never ran); cheap, unlike
  // ShippingState, which counts the events waiting.
  Result<std::string> ShipTarget();

  // --- The official plan limits (ledger/rate_limits.cc) ---
  // The windows `filter` selects, latest reset first (a 7-day window
  // before a 5-hour one with the same reset).
  Result<std::vector<RateLimitWindow>> RateLimitWindows(
      const RateLimitFilter& filter);
  // The latest reading of each window kind (any source), if any.
  Result<std::vector<RateLimitRow>> LatestRateLimits();
  // The events with timestamps in [since_ms, until_ms), of one source or
  // all: exact sums over the events (not the quarter-hour rollup, as a
  // window need not start on a quarter hour).
  Result<RangeTotals> TotalsBetween(int64_t since_ms, int64_t until_ms,
                                    const std::optional<std::string>& source);

  // --- Telemetry (ledger/telemetry_queries.cc) ---
  // Exactness, latency per model, errors by status, Claude Code's cost
  // beside ours.
  Result<TelemetryOverview> TelemetryOverviewOf();
  // Every metric series' total (see TelemetryMetricTotal).
  Result<std::vector<TelemetryMetricTotal>> TelemetryMetricTotals();
  // Events telemetry confirmed, and all events, that `filter` selects.
  Result<std::pair<uint64_t, uint64_t>> ExactEvents(const UsageFilter& filter);

 private:
  friend class LedgerWriter;
  // Over `db`, owned when `owned` holds it (else a writer's).
  LedgerReader(sql::Database& db, std::unique_ptr<sql::Database> owned);

  std::unique_ptr<sql::Database> owned_;
  sql::Database& db_;
  std::unique_ptr<sql::Statement> stored_event_;  // Prepared on first use.
};

}  // namespace cc
