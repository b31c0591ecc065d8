// The alerts table (schema 12, docs/storage.md): each alert recorded once
// by its id, in the transaction of the events that fired it, with one
// alert_deliveries row per channel that retries; the delivery
// (src/alert/) reads and updates those. Runs on any connection inside a
// transaction: a commit hook's (ledger/commit_hook.h) or a reader's
// (LedgerReader::InReadTransaction).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "budget/alert.h"
#include "core/result.h"

namespace cc {

namespace sql {
class Database;
class Statement;
}

// The alerts row's columns, in Alert's order (unambiguous beside
// alert_deliveries' in a join), and the Alert a row of them holds.
inline constexpr const char* kAlertColumns =
    "id, kind, budget, period, period_start_ms, period_end_ms, threshold_pct, "
    "unit, spent, limit_value, projected, project, source, fired_ms";
inline constexpr int kAlertColumnCount = 14;
Alert AlertFromRow(const sql::Statement& row);

// Records `alert` unless an alert with its id is there; true when it is
// new, and then one alert_deliveries row per name in `channels` ("webhook",
// "command"), due at alert.fired_ms.
Result<bool> RecordAlert(sql::Database& db, const Alert& alert,
                         const std::vector<std::string>& channels);

// The alerts fired at or after `since_ms`, oldest first (alerts_by_time).
Result<std::vector<Alert>> ReadAlertsSince(sql::Database& db, int64_t since_ms);

}  // namespace cc
