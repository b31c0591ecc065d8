// Outbox events as ClickHouse rows: JSONEachRow text in the column order
// of ClickHouseEventColumns(). Times are "YYYY-MM-DD hh:mm:ss.mmm" in UTC
// (the columns are DateTime64(3, 'UTC')).
#pragma once

#include <string>
#include <vector>

#include "ledger/ledger_types.h"

namespace cc {

// One line per event, each ending in "\n". `user` labels every row.
std::string EventsAsJsonEachRow(const std::vector<OutboxEvent>& events,
                                const std::string& user);
// Appends one event's line to `out`.
void AppendJsonEachRow(std::string& out, const OutboxEvent& event,
                       const std::string& user);

// "2025-09-03 10:00:00.123".
std::string ClickHouseDateTime64(int64_t utc_ms);

}  // namespace cc
