#include "clickhouse/shipper.h"

#include <algorithm>

#include "clickhouse/row_format.h"

namespace cc {
namespace {

// The lines of a JSONEachRow payload.
std::vector<std::string_view> Lines(std::string_view payload) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < payload.size()) {
    size_t end = payload.find('\n', start);
    if (end == std::string_view::npos) end = payload.size();
    out.push_back(payload.substr(start, end + 1 - start));
    start = end + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string_view>& lines, size_t from,
                 size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += lines[i];
  return out;
}

}  // namespace

Shipper::Shipper(Ledger& ledger, ClickHouseClient& client, const Clock& clock,
                 ShipperOptions options, uint64_t seed)
    : ledger_(ledger),
      client_(client),
      clock_(clock),
      options_(std::move(options)),
      rng_(seed),
      insert_sql_("INSERT INTO `" + client.endpoint().database +
                  "`.events FORMAT JSONEachRow") {}

Status Shipper::EnsureSchema(const ClickHouseSchemaOptions& schema) {
  for (const std::string& sql : ClickHouseSchemaStatements(schema)) {
    ClickHouseReply r = client_.Execute(sql);
    if (!r.ok) {
      const std::string message =
          "creating the ClickHouse schema: " + r.error.message;
      stopped_ = r.error.kind == ClickHouseError::Kind::kFatal;
      (void)ledger_.SetShipStatus(client_.endpoint().Redacted(),
                                  stopped_ ? "stopped" : "retrying", message);
      return Status::IoError(message);
    }
  }
  return Status::Ok();
}

Status Shipper::FreezeDue(bool flush) {
  for (;;) {
    Result<ShipMarks> marks = ledger_.ShippingMarks();
    if (!marks.ok()) return marks.status();
    Result<std::vector<OutboxEvent>> events =
        ledger_.OutboxAfter(marks->frozen_seq, options_.max_rows);
    if (!events.ok()) return events.status();
    if (events->empty()) return Status::Ok();
    // Cut at max_bytes (at least one row).
    std::string payload;
    size_t taken = 0;
    for (const OutboxEvent& e : *events) {
      const size_t before = payload.size();
      AppendJsonEachRow(payload, e, options_.user);
      if (taken > 0 && payload.size() > options_.max_bytes) {
        payload.resize(before);  // This row starts the next batch.
        break;
      }
      ++taken;
    }
    const bool full = taken < events->size() || taken == options_.max_rows;
    int64_t oldest = INT64_MAX;
    for (size_t i = 0; i < taken; ++i) {
      oldest = std::min(oldest, (*events)[i].last_seen_ms);
    }
    if (!flush && !full && clock_.NowMs() - oldest < options_.max_age_ms) {
      return Status::Ok();  // Not due yet: let it grow.
    }
    ShipBatch b;
    b.first_seq = (*events)[0].change_seq;
    b.last_seq = (*events)[taken - 1].change_seq;
    b.rows = taken;
    b.token = marks->ledger_id + ":" + std::to_string(b.first_seq) + "-" +
              std::to_string(b.last_seq);
    b.payload = std::move(payload);
    b.frozen_ms = clock_.NowMs();
    if (Status s = ledger_.FreezeShipBatch(b); !s.ok()) return s;
    if (!full) return Status::Ok();
  }
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
  step.rows = batch.rows;
  ClickHouseReply r = client_.Execute(
      insert_sql_, batch.payload, {{"insert_deduplication_token", batch.token}},
      options_.request_timeout_ms);
  const std::string target = client_.endpoint().Redacted();
  if (r.ok) {
    if (Status s = ledger_.AckShipBatch(batch.id, clock_.NowMs()); !s.ok()) {
      return s;
    }
    if (Status s = ledger_.SetShipStatus(target, "ok", ""); !s.ok()) return s;
    step.what = ShipStep::What::kSent;
    return step;
  }
  step.error = r.error.message;
  switch (r.error.kind) {
    case ClickHouseError::Kind::kRetry: {
      const uint64_t attempts = batch.attempts + 1;
      Status s = ledger_.DeferShipBatch(
          batch.id, attempts, clock_.NowMs() + Backoff(attempts), step.error);
      if (!s.ok()) return s;
      if (Status st = ledger_.SetShipStatus(target, "retrying", step.error);
          !st.ok()) {
        return st;
      }
      step.what = ShipStep::What::kRetryLater;
      return step;
    }
    case ClickHouseError::Kind::kBadData: {
      const std::vector<std::string_view> lines = Lines(batch.payload);
      if (lines.size() <= 1) {
        // The bad row alone: keep it aside and go on without it.
        Status s = ledger_.RejectShipRow(batch.token, batch.payload, step.error,
                                         clock_.NowMs());
        if (!s.ok()) return s;
        if (Status a = ledger_.AckShipBatch(batch.id, clock_.NowMs());
            !a.ok()) {
          return a;
        }
        step.what = ShipStep::What::kRejectedRow;
        return step;
      }
      // Halves, in order, each with a token of its own (deterministic, so a
      // retry of a half is a replay of that half).
      const size_t mid = lines.size() / 2;
      ShipBatch a = batch, b = batch;
      a.payload = Join(lines, 0, mid);
      a.rows = mid;
      a.token = batch.token + "a";
      b.payload = Join(lines, mid, lines.size());
      b.rows = lines.size() - mid;
      b.token = batch.token + "b";
      a.attempts = b.attempts = 0;
      a.next_attempt_ms = b.next_attempt_ms = 0;
      // Both keep the range, so the shipped mark waits for both.
      if (Status s = ledger_.SplitShipBatch(batch.id, {a, b}); !s.ok()) {
        return s;
      }
      step.what = ShipStep::What::kSplit;
      return step;
    }
    case ClickHouseError::Kind::kFatal:
      stopped_ = true;
      if (Status s = ledger_.SetShipStatus(target, "stopped", step.error);
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
  Result<std::optional<ShipBatch>> oldest = ledger_.OldestShipBatch();
  if (!oldest.ok()) return oldest.status();
  if (!*oldest) return ShipStep{};
  if ((*oldest)->next_attempt_ms > clock_.NowMs()) {
    return ShipStep{ShipStep::What::kWaiting, (*oldest)->rows,
                    (*oldest)->last_error};
  }
  return Send(**oldest);
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
