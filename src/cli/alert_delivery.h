// Alert delivery in the commands that write the ledger (docs/budgets.md,
// "Delivery"): where alerts go, and delivering them after `bridge sync
// --once` / `bridge backfill` (the long-running writers deliver on a
// thread of their own: daemon/service.h).
#pragma once

#include <string>

#include "budget/alert.h"
#include "cli/context.h"
#include "core/result.h"

namespace cc::cli {

// The bound on delivery after a one-shot sync: what is left stays due for
// the next run (or the monitor), and the command says so.
inline constexpr int64_t kSyncDeliveryBudgetMs = 5'000;

// Where this process sends alerts: the config file's "alerts", with the
// environment on top (a webhook URL is a secret, better kept out of a
// config file): CONTEXT_CLEANER_ALERT_WEBHOOK, CONTEXT_CLEANER_ALERT_COMMAND,
// CONTEXT_CLEANER_ALERT_DESKTOP=0 (no desktop notifications).
// InvalidArgument, naming where it came from but never the URL, when the
// webhook is not an http(s) URL with a host.
Result<AlertChannels> ResolveAlertChannels(const Context& ctx);

// Delivers what is due (logging each new alert first), bounded by
// kSyncDeliveryBudgetMs; prints each alert's line and each failure as a
// warning, and what was left for later. Never fails the command: the
// deliveries stay in the ledger.
void DeliverAlertsAfterSync(const Context& ctx, const AlertChannels& channels);

}  // namespace cc::cli
