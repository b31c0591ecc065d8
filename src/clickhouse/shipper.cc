#include "clickhouse/shipper.h"

#include <algorithm>

#include "clickhouse/row_format.h"

namespace cc {

Shipper::Shipper(ShipQueue& queue, ClickHouseClient& client, const Clock& clock,
                 ShipperOptions options, uint64_t seed)
    : queue_(queue),
      client_(client),
      clock_(clock),
      options_(std::move(options)),
      rng_(seed),
      insert_sql_(RowBinaryInsertSql(client.endpoint().database)) {}

Status Shipper::EnsureSchema(const ClickHouseSchemaOptions& schema) {
  for (const std::string& sql : ClickHouseSchemaStatements(schema)) {
    ClickHouseReply r = client_.Execute(sql);
    if (!r.ok) {
      const std::string message =
          "creating the ClickHouse schema: " + r.error.message;
      stopped_ = r.error.kind == ClickHouseError::Kind::kFatal;
      (void)queue_.SetShipStatus(client_.endpoint().Redacted(),
                                  stopped_ ? "stopped" : "retrying", message);
      return Status::IoError(message);
    }
  }
  return Status::Ok();
}

Status Shipper::FreezeDue(bool flush) {
  for (;;) {
    Result<ShipMarks> marks = queue_.ShippingMarks();
    if (!marks.ok()) return marks.status();
    Result<OutboxSpan> span =
        queue_.OutboxSpanAfter(marks->frozen_seq, options_.max_rows);
    if (!span.ok()) return span.status();
    if (span->rows == 0) return Status::Ok();
    const bool full = span->rows == options_.max_rows;
    if (!flush && !full) {
      // Only a small batch waits, so only then are the rows' times read.
      Result<std::vector<OutboxMark>> rows =
          queue_.OutboxMarks(marks->frozen_seq, span->last_seq, SIZE_MAX);
      if (!rows.ok()) return rows.status();
      int64_t oldest = INT64_MAX;
      for (const OutboxMark& m : *rows) {
        oldest = std::min(oldest, m.last_seen_ms);
      }
      if (clock_.NowMs() - oldest < options_.max_age_ms) {
        return Status::Ok();  // Not due yet: let it grow.
      }
    }
    ShipBatch b;
    b.first_seq = span->first_seq;
    b.last_seq = span->last_seq;
    b.rows = span->rows;
    b.token = marks->ledger_id + ":" + std::to_string(b.first_seq) + "-" +
              std::to_string(b.last_seq);
    b.frozen_ms = clock_.NowMs();
    if (Status s = queue_.FreezeShipBatch(b); !s.ok()) return s;
    if (!full) return Status::Ok();
  }
}

Status Shipper::RejectRow(const ShipBatch& batch, const std::string& error) {
  // The bad row alone: kept aside (as JSON, for people) and passed over.
  std::string row;
  Status read = queue_.ForEachOutboxEvent(
      batch.first_seq, batch.last_seq,
      [&](const EventRow& e) { AppendJsonEachRow(row, e, options_.user); });
  if (!read.ok()) return read;
  if (Status s = queue_.RejectShipRow(batch.token, row, error, clock_.NowMs());
      !s.ok()) {
    return s;
  }
  return Ack(batch);
}

Status Shipper::Ack(const ShipBatch& batch) {
  if (Status s = queue_.AckShipBatch(batch.id, clock_.NowMs()); !s.ok()) {
    return s;
  }
  if (options_.cache != nullptr) options_.cache->Release(batch.last_seq);
  return Status::Ok();
}

Result<uint64_t> Shipper::EncodeBatch(const ShipBatch& batch) {
  body_.clear();
  if (options_.cache != nullptr) {
    std::optional<uint64_t> cached =
        options_.cache->AppendRange(batch.first_seq, batch.last_seq, body_);
    if (cached) return *cached;
  }
  uint64_t rows = 0;
  Status read = queue_.ForEachOutboxEvent(
      batch.first_seq, batch.last_seq, [&](const EventRow& e) {
        AppendRowBinary(body_, e, options_.user);
        ++rows;
      });
  if (!read.ok()) return read;
  return rows;
}

Status Shipper::SplitInHalves(const ShipBatch& batch) {
  Result<std::vector<OutboxMark>> rows =
      queue_.OutboxMarks(batch.first_seq - 1, batch.last_seq, SIZE_MAX);
  if (!rows.ok()) return rows.status();
  // Halves, in order, each with a token of its own (deterministic, so a
  // retry of a half is a replay of that half).
  const size_t mid = rows->size() / 2;
  ShipBatch a = batch, b = batch;
  a.last_seq = (*rows)[mid - 1].change_seq;
  a.rows = mid;
  a.token = batch.token + "a";
  b.first_seq = (*rows)[mid].change_seq;
  b.rows = rows->size() - mid;
  b.token = batch.token + "b";
  a.attempts = b.attempts = 0;
  a.next_attempt_ms = b.next_attempt_ms = 0;
  return queue_.SplitShipBatch(batch.id, {a, b});
}

int64_t Shipper::Backoff(uint64_t attempts) {
  int64_t delay = options_.backoff_first_ms;
  for (uint64_t i = 1; i < attempts && delay < options_.backoff_cap_ms; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, options_.backoff_cap_ms);
  // Jitter: 50% to 150%, so machines that failed together retry apart.
  std::uniform_int_distribution<int64_t> jitter(delay / 2, delay * 3 / 2);
  return jitter(rng_);
}

Result<ShipStep> Shipper::Send(const ShipBatch& batch) {
  ShipStep step;
  Result<uint64_t> rows = EncodeBatch(batch);
  if (!rows.ok()) return rows.status();
  step.rows = *rows;
  const std::string target = client_.endpoint().Redacted();
  if (step.rows == 0) {
    // Every row changed since it was frozen: each ships in a later batch.
    if (Status s = Ack(batch); !s.ok()) return s;
    step.what = ShipStep::What::kSent;
    return step;
  }
  ClickHouseReply r = client_.Execute(
      insert_sql_, body_, {{"insert_deduplication_token", batch.token}},
      options_.request_timeout_ms);
  if (r.ok) {
    if (Status s = Ack(batch); !s.ok()) return s;
    if (Status s = queue_.SetShipStatus(target, "ok", ""); !s.ok()) return s;
    step.what = ShipStep::What::kSent;
    return step;
  }
  step.error = r.error.message;
  switch (r.error.kind) {
    case ClickHouseError::Kind::kRetry: {
      const uint64_t attempts = batch.attempts + 1;
      Status s = queue_.DeferShipBatch(
          batch.id, attempts, clock_.NowMs() + Backoff(attempts), step.error);
      if (!s.ok()) return s;
      if (Status st = queue_.SetShipStatus(target, "retrying", step.error);
          !st.ok()) {
        return st;
      }
      step.what = ShipStep::What::kRetryLater;
      return step;
    }
    case ClickHouseError::Kind::kBadData: {
      Status s = step.rows <= 1 ? RejectRow(batch, step.error)
                                : SplitInHalves(batch);
      if (!s.ok()) return s;
      step.what = step.rows <= 1 ? ShipStep::What::kRejectedRow
                                 : ShipStep::What::kSplit;
      return step;
    }
    case ClickHouseError::Kind::kFatal:
      stopped_ = true;
      if (Status s = queue_.SetShipStatus(target, "stopped", step.error);
          !s.ok()) {
        return s;
      }
      step.what = ShipStep::What::kStopped;
      return step;
  }
  return step;
}

Result<ShipStep> Shipper::Step(bool flush) {
  if (stopped_) return ShipStep{ShipStep::What::kStopped, 0, ""};
  if (Status s = FreezeDue(flush); !s.ok()) return s;
  Result<std::optional<ShipBatch>> oldest = queue_.OldestShipBatch();
  if (!oldest.ok()) return oldest.status();
  if (!*oldest) return ShipTelemetry();
  if ((*oldest)->next_attempt_ms > clock_.NowMs()) {
    return ShipStep{ShipStep::What::kWaiting, (*oldest)->rows,
                    (*oldest)->last_error};
  }
  return Send(**oldest);
}

Result<ShipStep> Shipper::ShipTelemetry() {
  if (telemetry_next_attempt_ms_ > clock_.NowMs()) {
    return ShipStep{ShipStep::What::kWaiting, 0, "telemetry: waiting to retry"};
  }
  for (const bool errors : {false, true}) {
    Result<int64_t> mark = queue_.TelemetryShippedMark(errors);
    if (!mark.ok()) return mark.status();
    size_t& limit = telemetry_limit_[errors ? 1 : 0];
    Result<std::vector<TelemetryRow>> rows =
        queue_.TelemetryAfter(errors, *mark, limit);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) continue;
    Result<ShipMarks> marks = queue_.ShippingMarks();
    if (!marks.ok()) return marks.status();
    // Rows never change once stored, so the range is its content: a
    // replay under this token is a replay of the same rows.
    const std::string token = marks->ledger_id + (errors ? ":otel-errors:" : ":otel-requests:") +
                              std::to_string(rows->front().rowid) + "-" +
                              std::to_string(rows->back().rowid);
    std::string body;
    for (const TelemetryRow& r : *rows) AppendOtelLogRow(body, r);
    ClickHouseReply reply = client_.Execute(
        "INSERT INTO `" + client_.endpoint().database + "`.otel_logs FORMAT JSONEachRow",
        body, {{"insert_deduplication_token", token}}, options_.request_timeout_ms);
    ShipStep step;
    step.rows = rows->size();
    if (reply.ok) {
      if (Status s = queue_.SetTelemetryShippedMark(errors, rows->back().rowid); !s.ok()) {
        return s;
      }
      telemetry_attempts_ = 0;
      limit = kTelemetryBatchRows;
      step.what = ShipStep::What::kSent;
      return step;
    }
    step.error = "telemetry: " + reply.error.message;
    if (reply.error.kind == ClickHouseError::Kind::kFatal) {
      stopped_ = true;
      (void)queue_.SetShipStatus(client_.endpoint().Redacted(), "stopped", step.error);
      step.what = ShipStep::What::kStopped;
      return step;
    }
    if (reply.error.kind == ClickHouseError::Kind::kBadData) {
      if (rows->size() > 1) {
        // Halve until the bad row is alone (the events' rule); the good
        // rows around it ship in the halves.
        limit = rows->size() / 2;
        step.what = ShipStep::What::kSplit;
        return step;
      }
      // The row alone, refused: kept aside as a reject (visible in
      // sync-status), never dropped silently, and shipping goes on.
      if (Status s = queue_.RejectShipRow(token, body, step.error, clock_.NowMs()); !s.ok()) {
        return s;
      }
      if (Status s = queue_.SetTelemetryShippedMark(errors, rows->back().rowid); !s.ok()) {
        return s;
      }
      limit = kTelemetryBatchRows;
      step.what = ShipStep::What::kRejectedRow;
      return step;
    }
    telemetry_next_attempt_ms_ = clock_.NowMs() + Backoff(++telemetry_attempts_);
    (void)queue_.SetShipStatus(client_.endpoint().Redacted(), "retrying", step.error);
    step.what = ShipStep::What::kRetryLater;
    return step;
  }
  return ShipStep{};
}

Result<ShipSummary> Shipper::Drain() {
  ShipSummary summary;
  for (;;) {
    Result<ShipStep> step = Step(/*flush=*/true);
    if (!step.ok()) return step.status();
    switch (step->what) {
      case ShipStep::What::kIdle:
        return summary;
      case ShipStep::What::kSent:
        ++summary.batches_sent;
        summary.rows_sent += step->rows;
        break;
      case ShipStep::What::kSplit:
        break;
      case ShipStep::What::kRejectedRow:
        ++summary.rows_rejected;
        break;
      case ShipStep::What::kWaiting:
      case ShipStep::What::kRetryLater:
        summary.retry_pending = true;
        summary.last_error = step->error;
        return summary;
      case ShipStep::What::kStopped:
        summary.stopped = true;
        summary.last_error = step->error;
        return summary;
    }
  }
}

}  // namespace cc
