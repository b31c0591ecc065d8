// AlertQueue: the delivery side of the ledger's alert tables (schema 12,
// docs/storage.md; docs/budgets.md "Delivery").
//
// The evaluator (budget/) inserts an `alerts` row, and one
// `alert_deliveries` row per retrying channel configured then ("webhook",
// "command"), in the transaction of the events that crossed the budget.
// This queue then:
//  - lists what is due: undelivered rows whose next attempt has come;
//  - marks a delivery done (delivered_ms) or failed: attempts + 1, the
//    error (already redacted by the channel), and the next attempt after a
//    bounded exponential backoff (30 s doubling to 1 h); after
//    kMaxAttempts failures, or a failure a retry cannot help (a 404), the
//    row is given up: kept with its last error and its attempts, its next
//    attempt kGivenUp, never tried again;
//  - keeps the log's own row ("log", inserted delivered here) so that the
//    log line and the desktop notification come once per alert, from
//    whichever process sees the alert first (Unlogged, MarkLogged);
//  - counts what `sync-status` and /api/health show (Health).
// A delivered row is never listed again, so a delivered alert is never
// resent; a crash between a delivery and its mark sends it again with the
// same id (at-least-once).
//
// Connections: Open() is a companion connection (ledger/ledger_writer.h)
// for a process that holds the writer lock; OpenReadOnly() reads Health
// from any process. Thread safety: one thread per AlertQueue.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "budget/alert.h"
#include "core/result.h"

namespace cc {

namespace sql {
class Database;
}

// A delivery whose attempt is due.
struct DueDelivery {
  Alert alert;
  std::string channel;   // "webhook" or "command".
  int64_t attempts = 0;  // Failed attempts so far.
};

// What a failure made of a delivery.
struct FailureMark {
  int64_t attempts = 0;  // Including this one.
  bool given_up = false;
  int64_t next_attempt_ms = 0;  // kGivenUp when given up.
};

// The deliveries of the retrying channels (the log's rows are not counted:
// they are written delivered).
struct AlertDeliveryHealth {
  uint64_t pending = 0;    // Not delivered and not given up (failing too).
  uint64_t failing = 0;    // Of the pending, those that failed at least once.
  uint64_t given_up = 0;   // Never to be tried again.
  uint64_t delivered = 0;
  // The newest alert's failure among those not delivered ("" when none):
  // which channel, which alert, and what went wrong (redacted).
  std::string last_error;
  std::string last_error_channel;
  std::string last_error_alert;
  std::optional<int64_t> next_attempt_ms;  // The soonest retry, if any.
};

class AlertQueue {
 public:
  ~AlertQueue();

  static constexpr int64_t kFirstRetryMs = 30'000;
  static constexpr int64_t kMaxRetryMs = 3'600'000;
  static constexpr int64_t kMaxAttempts = 10;
  static constexpr int64_t kGivenUp = std::numeric_limits<int64_t>::max();
  static constexpr size_t kMaxErrorBytes = 500;

  // A companion connection: read-write, no lock, no migration (the ledger
  // must be at this program's schema).
  static Result<std::unique_ptr<AlertQueue>> Open(const std::string& path);
  // Reads only (Health); the ledger may be older than schema 12 (then
  // there is nothing to count).
  static Result<std::unique_ptr<AlertQueue>> OpenReadOnly(const std::string& path);

  // The wait after the `attempts`-th failure: 30 s, 60 s, ... at most 1 h.
  static int64_t RetryDelayMs(int64_t attempts);

  // Up to `limit` deliveries of `channels` due at `now_ms`, soonest first.
  Result<std::vector<DueDelivery>> Due(int64_t now_ms,
                                       const std::vector<std::string>& channels,
                                       size_t limit);
  // The soonest next attempt of `channels` not given up, if any.
  Result<std::optional<int64_t>> NextAttemptMs(
      const std::vector<std::string>& channels);
  Status MarkDelivered(const std::string& alert_id, const std::string& channel,
                       int64_t now_ms);
  // `permanent`: a retry cannot help; given up now.
  Result<FailureMark> MarkFailed(const std::string& alert_id,
                                 const std::string& channel,
                                 const std::string& error, int64_t now_ms,
                                 bool permanent);

  // Up to `limit` alerts not yet logged, oldest first.
  Result<std::vector<Alert>> Unlogged(size_t limit);
  // Records that `alert_id` was logged (and shown on the desktop) at
  // `now_ms`; a second call changes nothing.
  Status MarkLogged(const std::string& alert_id, int64_t now_ms);

  Result<AlertDeliveryHealth> Health();

 private:
  AlertQueue(std::unique_ptr<sql::Database> db, bool has_tables);

  std::unique_ptr<sql::Database> db_;
  bool has_tables_;
};

}  // namespace cc
