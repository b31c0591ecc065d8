// Shipper: the ledger's outbox to ClickHouse, effectively once.
//
//  1. Freeze: events past the frozen mark are cut into a batch (at most
//     max_rows rows; a smaller one waits until its oldest change is
//     max_age_ms old, unless flushing). The batch's change_seq range and
//     its deduplication token (ledger id + range) are stored before the
//     first send.
//  2. Send the oldest batch: its range read afresh (or from the cache of
//     rows this process committed, which holds the same states), as
//     RowBinary, zstd'd, with its token. A row that changed since it was frozen has a later
//     change_seq now and ships in a later batch, so a re-send holds the
//     same rows or fewer, never other values under the token. Only when
//     ClickHouse confirms is the batch dropped and the shipped mark moved,
//     so a crash or an outage of any length loses nothing, and a retry of
//     a batch that did commit (a timeout after the insert) is dropped by
//     ClickHouse as a replay.
//  3. Failures (ClickHouseClient's classes): retry later with capped
//     exponential backoff and jitter, forever; bad data: split the batch in
//     halves until the bad row is alone, then record it as a reject and go
//     on; stopped (401/403/404): say so in the ledger (sync-status) and
//     keep everything until a person acts.
//
// Step() never waits: a batch not yet due is left for a later call, so
// the caller's loop (a sync, the monitor) is never blocked by an outage
// longer than one request's timeout.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "clickhouse/clickhouse_client.h"
#include "clickhouse/outbox_row_cache.h"
#include "clickhouse/schema.h"
#include "core/clock.h"
#include "ledger/ship_queue.h"

namespace cc {

struct ShipperOptions {
  std::string user;  // The `user` label on every row.
  size_t max_rows = 50'000;
  int64_t max_age_ms = 2'000;
  int64_t backoff_first_ms = 1'000;
  int64_t backoff_cap_ms = 300'000;
  long request_timeout_ms = 30'000;
  // The rows this process committed, already encoded (null: read every
  // batch from the ledger). It must outlive the shipper.
  OutboxRowCache* cache = nullptr;
};

struct ShipStep {
  enum class What {
    kIdle,
    kWaiting,
    kSent,
    kRetryLater,
    kSplit,
    kRejectedRow,
    kStopped
  };
  What what = What::kIdle;
  uint64_t rows = 0;
  std::string error;
};

struct ShipSummary {
  uint64_t batches_sent = 0;
  uint64_t rows_sent = 0;
  uint64_t rows_rejected = 0;
  bool stopped = false;
  bool retry_pending = false;  // A batch waits for its next attempt.
  std::string last_error;
};

class Shipper {
 public:
  Shipper(ShipQueue& queue, ClickHouseClient& client, const Clock& clock,
          ShipperOptions options, uint64_t seed = std::random_device{}());

  // Creates the schema (idempotent). A failure is recorded in the ledger
  // as shipping's state: "stopped" when it needs a person (401/403/404),
  // else "retrying".
  Status EnsureSchema(const ClickHouseSchemaOptions& schema);
  bool stopped() const { return stopped_; }

  // One unit of work: freeze what is due, then send the oldest batch if
  // its time has come. `flush` freezes small batches at once.
  Result<ShipStep> Step(bool flush);

  // Steps until nothing is left to send, a batch must wait for a retry, or
  // shipping stopped (sync --once).
  Result<ShipSummary> Drain();

 private:
  Status FreezeDue(bool flush);
  Result<ShipStep> Send(const ShipBatch& batch);
  // The batch's rows as RowBinary into body_ (from the cache when it covers
  // them); returns how many.
  Result<uint64_t> EncodeBatch(const ShipBatch& batch);
  // ClickHouse has the batch (or it had nothing left to send).
  Status Ack(const ShipBatch& batch);
  Status RejectRow(const ShipBatch& batch, const std::string& error);
  // After the events: the telemetry tables' new rows, into otel_logs.
  Result<ShipStep> ShipTelemetry();
  Status SplitInHalves(const ShipBatch& batch);
  int64_t Backoff(uint64_t attempts);

  ShipQueue& queue_;
  ClickHouseClient& client_;
  const Clock& clock_;
  ShipperOptions options_;
  std::mt19937_64 rng_;
  std::string insert_sql_;
  std::string body_;  // Reused between sends.
  // Telemetry rows a send takes (requests, errors): halved while ClickHouse
  // refuses a batch, to isolate the bad row.
  static constexpr size_t kTelemetryBatchRows = 5'000;
  size_t telemetry_limit_[2] = {kTelemetryBatchRows, kTelemetryBatchRows};
  int64_t telemetry_next_attempt_ms_ = 0;
  uint64_t telemetry_attempts_ = 0;
  bool stopped_ = false;
};

}  // namespace cc
