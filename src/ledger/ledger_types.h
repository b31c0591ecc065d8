// Plain data that crosses the ledger's boundary: what a sync commits and
// what readers get back. No SQLite here.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "tail/file_identity.h"

namespace cc {

// A line that could not be used, with enough to find it again.
struct Reject {
  std::string file;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string reason;
  // The first line's first bytes (at most kHeadBytes, not ending inside a
  // UTF-8 character). Kept in the ledger for people at this machine; never
  // served over HTTP, escaped (core/terminal_text.h) when printed.
  std::string head;
  uint64_t lines = 1;  // Adjacent bad lines with one reason share a row.

  static constexpr size_t kHeadBytes = 120;
};

// Where reading a transcript stopped: the end of the last complete line.
struct Checkpoint {
  std::string path;
  std::string root;
  std::string project;
  FileIdentity identity;  // As seen when the bytes up to `offset` were read.
  uint64_t offset = 0;    // First byte not yet read.
  Fingerprint fingerprint;
  bool gone = false;
  // This visit read the file from byte 0: the file's rejects and counters
  // are replaced, not added to.
  bool restarted = false;
  // Counters over the file's life (added to on each commit).
  uint64_t lines = 0;
  uint64_t records = 0;
  uint64_t rejects = 0;
  uint64_t rereads = 0;
};

// Checkpoints by path.
using CheckpointMap = std::unordered_map<std::string, Checkpoint>;

// Everything one transaction commits: events merged by key, the rejects
// found, and the checkpoints that cover exactly those lines.
struct Batch {
  std::vector<Event> events;
  std::vector<Reject> rejects;
  std::vector<Checkpoint> checkpoints;  // Counters here are increments.
};

struct CommitStats {
  uint64_t events_new = 0;
  uint64_t events_updated = 0;
  uint64_t tokens_added = 0;  // Growth of the sum of Tokens::Total().
  std::set<std::string> unpriced_models;  // Models the price table lacks.
};

struct RepriceStats {
  uint64_t events = 0;
  uint64_t events_changed = 0;
  int64_t cost_before_nano = 0;
  int64_t cost_after_nano = 0;
  uint64_t unpriced_events = 0;
  std::set<std::string> unpriced_models;
  std::string price_version;
};

// What `bridge repair` found and did (Ledger::Repair).
struct RepairReport {
  std::vector<std::string> problems_before;  // integrity_check's lines.
  uint64_t events = 0;             // Events in the repaired ledger.
  uint64_t keys_doubled = 0;       // Keys stored more than once...
  uint64_t rows_merged = 0;        // ...and the extra rows merged into them.
  uint64_t rows_copied = 0;        // Rows of every table copied.
  std::vector<std::string> unsaved;  // Tables (or parts) that could not be read.
  std::vector<std::string> problems_after;  // integrity_check after: empty.
};

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
  std::string result;  // running | ok | failed | interrupted.
  std::optional<int64_t> last_sync_ms;  // A monitor's latest finished pass.
  std::string error;
  RunCounters counters;

  // When its latest pass finished: a monitor's last pass, else the run's
  // end, else (nothing finished yet) its start.
  int64_t LastPassMs() const {
    return last_sync_ms.value_or(finished_ms.value_or(started_ms));
  }
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

// A batch of outbox rows frozen for shipping: a change_seq range and a
// deduplication token, fixed before the first send. Each send reads the
// range afresh; a row that changed since moved to a later change_seq (and
// a later batch), so a re-send carries the rows first sent or fewer, never
// other values under the same token.
struct ShipBatch {
  int64_t id = 0;
  int64_t first_seq = 0;  // The change_seq range it covers (inclusive).
  int64_t last_seq = 0;
  uint64_t rows = 0;   // When frozen.
  std::string token;   // insert_deduplication_token.
  int64_t frozen_ms = 0;
  uint64_t attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string last_error;
};

// What freezing needs of an outbox row: its place and its age.
struct OutboxMark {
  int64_t change_seq = 0;
  int64_t last_seen_ms = 0;
};

// The first `rows` changes after a mark: what a batch frozen now would hold.
struct OutboxSpan {
  uint64_t rows = 0;
  int64_t first_seq = 0;
  int64_t last_seq = 0;
};

// The two things freezing needs, cheaply.
struct ShipMarks {
  std::string ledger_id;
  int64_t frozen_seq = 0;
};

// Where shipping stands (sync-status).
struct ShipState {
  std::string ledger_id;
  int64_t shipped_seq = 0;  // Everything up to here is confirmed.
  int64_t frozen_seq = 0;   // Everything up to here is in a batch.
  uint64_t batches = 0;     // Frozen, not yet confirmed.
  uint64_t pending_events = 0;  // change_seq > shipped_seq.
  std::optional<int64_t> oldest_pending_ms;  // Its last change.
  uint64_t rejected_rows = 0;
  std::string target;
  std::string status;  // "", "ok", "retrying", "stopped".
  std::string last_error;
  std::optional<int64_t> last_success_ms;
};

// An event as the outbox ships it: everything the ledger stores of it.
struct OutboxEvent {
  Event event;
  std::string source;
  int64_t cost_nano = 0;
  bool priced = false;
  std::string price_version;
  int64_t change_seq = 0;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
};

// The same fields as views, valid while the call that gets one lasts: a
// row state as the ledger writes it (OutboxTap), without a copy.
struct OutboxRowView {
  const Event& event;
  const std::string& source;
  int64_t cost_nano;
  bool priced;
  const std::string& price_version;
  int64_t change_seq;
  int64_t first_seen_ms;
  int64_t last_seen_ms;
};

// One `claude_code.api_request` from Claude Code's OpenTelemetry logs: the
// exact tokens of one API request (transcripts may hold only a streaming
// partial of its output).
struct TelemetryRequest {
  std::string key;  // Idempotency: the request id, else a hash of the record.
  std::string request_id;
  std::string session_id;
  std::string account_uuid;
  std::string organization_id;
  std::string user_email;
  std::string terminal_type;
  std::string app_version;
  std::string model;
  std::string speed;
  Tokens tokens;  // input, output, cache_read, cache_creation.
  double cost_usd = 0;  // Claude Code's own figure.
  int64_t duration_ms = 0;
  int64_t event_ms = 0;
};

// One `claude_code.api_error`.
struct TelemetryError {
  std::string key;
  std::string request_id;
  std::string session_id;
  std::string model;
  std::string status_code;
  std::string error;
  int64_t attempt = 0;
  int64_t duration_ms = 0;
  int64_t event_ms = 0;
};

// One data point of `claude_code.token.usage` or `claude_code.cost.usage`.
struct TelemetryPoint {
  std::string key;         // metric + attributes + start + time.
  std::string metric;
  std::string attributes;  // Sorted "k=v" lines (the series' identity).
  bool cumulative = false;  // Else delta.
  int64_t start_ns = 0;
  int64_t time_ns = 0;
  double value = 0;
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

// A stored telemetry record on its way to ClickHouse: its table's rowid
// (the tables only grow, so a rowid range always reads the same rows), and
// what the record said, as attributes.
struct TelemetryRow {
  int64_t rowid = 0;
  std::string event;  // "claude_code.api_request" or "claude_code.api_error".
  int64_t event_ms = 0;
  std::string source;
  std::vector<std::pair<std::string, std::string>> attributes;
};

struct TelemetryBatch {
  std::vector<TelemetryRequest> requests;
  std::vector<TelemetryError> errors;
  std::vector<TelemetryPoint> points;
};

struct TelemetryStats {
  uint64_t requests_new = 0;
  uint64_t requests_repeated = 0;  // Seen before (an exporter's retry).
  uint64_t errors_new = 0;
  uint64_t points_new = 0;
  uint64_t events_reconciled = 0;  // Merged into a transcript's event.
  uint64_t events_telemetry_only = 0;
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

// One event as validate needs it.
struct EventBrief {
  std::string key;
  int64_t day = 0;
  Tokens tokens;
  std::string file;
  int64_t cost_nano = 0;  // As stored (0 when the model has no price).
  bool exact = false;     // Telemetry confirmed (and may have raised) it.
};

}  // namespace cc
