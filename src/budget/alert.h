// Alert: one budget or anomaly alert as the ledger records it (in the
// same transaction as the events that caused it) and as every channel
// delivers it (docs/budgets.md). Its `id` is stable: a crash between the
// commit and the delivery delivers the same id again (at-least-once).
#pragma once

#include <cstdint>
#include <string>

namespace cc {

enum class AlertKind {
  kThreshold,   // Spend in the current period crossed a threshold.
  kProjection,  // At the current burn rate the period ends over budget.
  kAnomaly,     // An hour or day far above the user's own baseline.
};

struct Alert {
  // "<kind>:<budget or metric>:<period start, local ISO>:<threshold>",
  // unique per budget, period and threshold (the ledger's key).
  std::string id;
  AlertKind kind = AlertKind::kThreshold;
  std::string budget;  // The budget's name; for an anomaly "hour" or "day".
  std::string period;  // "day", "week", "month", "block", "hour".
  int64_t period_start_ms = 0;
  int64_t period_end_ms = 0;
  int threshold_pct = 0;  // A threshold alert's; 0 otherwise.
  std::string unit;       // "usd" or "tokens".
  double spent = 0;       // In `unit`, in the period so far.
  double limit = 0;       // The budget (an anomaly: its baseline bound).
  double projected = 0;   // Spend at the period's end at the current rate.
  std::string project;    // The budget's project filter; "" = all.
  std::string source;     // The budget's source filter; "" = all.
  int64_t fired_ms = 0;   // When the commit that crossed it ran.
};

// Where alerts go besides the log (config file "alerts"; docs/budgets.md).
struct AlertChannels {
  std::string webhook_url;  // POST JSON; "" = none. May hold a secret.
  std::string command;      // Run by /bin/sh -c, the JSON on stdin; "" = none.
  bool desktop = true;      // notify-send where a session bus exists.
};

// The ledger's names for a kind ("threshold", "projection", "anomaly").
inline const char* AlertKindName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kThreshold: return "threshold";
    case AlertKind::kProjection: return "projection";
    case AlertKind::kAnomaly: return "anomaly";
  }
  return "threshold";
}

}  // namespace cc
