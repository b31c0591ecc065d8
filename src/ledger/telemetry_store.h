// TelemetryStore: Claude Code's OpenTelemetry in the ledger
// (docs/telemetry.md): requests, errors and metric points as received,
// reconciled with the transcripts' events.
//
// Contract:
//  - Open() is a companion connection (ledger_writer.h): the OpenTelemetry
//    receiver's beside the monitor's in `run`; or a LedgerWriter's
//    telemetry().
//  - CommitTelemetry() stores a batch in one transaction. A request with
//    the id of a transcript's event merges into it (Event::Merge, each
//    token field the larger of the two, the event's attributes kept) and
//    marks it exact; without one it becomes an event of its own
//    ("otel:<request id>"), which a transcript record arriving later joins.
//    A request id stored before merges the same way: an exporter's retry
//    changes nothing, a larger count wins (its otel_requests row stays as
//    first received).
// Thread safety: one thread per TelemetryStore (its connection's).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/tokens.h"
#include "price/price_table.h"

namespace cc {

namespace sql {
class Database;
}
class CommitHook;
class EventStore;

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
  Tokens tokens;        // input, output, cache_read, cache_creation.
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
  std::string key;  // metric + attributes + start + time.
  std::string metric;
  std::string attributes;   // Sorted "k=v" lines (the series' identity).
  bool cumulative = false;  // Else delta.
  int64_t start_ns = 0;
  int64_t time_ns = 0;
  double value = 0;
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

class TelemetryStore {
 public:
  ~TelemetryStore();

  // `prices` (null: the built-in table) must outlive the store.
  static Result<std::unique_ptr<TelemetryStore>> Open(
      const std::string& path, const PriceTable* prices = nullptr);

  // Runs `hook` (ledger/commit_hook.h; null: none) inside every
  // CommitTelemetry transaction, before COMMIT (a writer's telemetry():
  // LedgerWriter::SetCommitHook sets it). It must outlive the store or be
  // unset first.
  void SetCommitHook(CommitHook* hook);

  Result<TelemetryStats> CommitTelemetry(const TelemetryBatch& batch,
                                         const std::string& source,
                                         int64_t now_ms);

 private:
  friend class LedgerWriter;
  // Over `db` and `events` (a writer's, or its own when `owned_*` hold them).
  TelemetryStore(sql::Database& db, EventStore& events);

  std::unique_ptr<sql::Database> owned_db_;
  std::unique_ptr<EventStore> owned_events_;
  sql::Database& db_;
  EventStore& events_;
};

}  // namespace cc
