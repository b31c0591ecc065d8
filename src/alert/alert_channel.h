// AlertChannel: one way an alert reaches a person (docs/budgets.md,
// "Delivery"). Four: webhook and command (the ledger keeps their delivery
// state and retries them: alert_queue.h), desktop (best effort, never
// retried) and log (always).
#pragma once

#include <cstdint>
#include <string_view>

#include "budget/alert.h"
#include "core/status.h"

namespace cc {

class AlertChannel {
 public:
  virtual ~AlertChannel() = default;

  // The ledger's name for it (alert_deliveries.channel): "webhook",
  // "command", "desktop", "log".
  virtual const char* name() const = 0;

  // Delivers `alert`, whose JSON is `payload` (alert_payload.h), taking at
  // most about `time_limit_ms`. OK: delivered. InvalidArgument: refused
  // for good (a retry cannot help: the webhook answered 404); any other
  // error: worth retrying. Error messages never hold a secret (the URL is
  // shown redacted, what the far end said is scrubbed) but may hold data:
  // escape them before a terminal sees them.
  virtual Status Deliver(const Alert& alert, std::string_view payload,
                         int64_t time_limit_ms) = 0;
};

// Refused for good: the dispatcher gives the delivery up at once.
inline bool IsPermanentFailure(const Status& s) {
  return s.code() == Status::Code::kInvalidArgument;
}

}  // namespace cc
