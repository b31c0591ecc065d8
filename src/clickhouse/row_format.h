// Outbox events as ClickHouse rows, in the column order of
// ClickHouseEventColumns():
//   RowBinary - what the shipper sends: compact, and cheap to write and
//               for the server to read. Strings are a LEB128 length and
//               the bytes; integers little-endian; DateTime64(3) an Int64
//               of milliseconds.
//   JSONEachRow - for people: a rejected row is kept in this form. Times
//               are "YYYY-MM-DD hh:mm:ss.mmm" in UTC.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ledger/event_columns.h"
#include "ledger/ship_queue.h"

namespace cc {

// Appends one event's line (ending in "\n") to `out`. `user` labels it.
void AppendJsonEachRow(std::string& out, const EventRow& event,
                       const std::string& user);

// Appends one event's RowBinary row to `out`.
void AppendRowBinary(std::string& out, const EventRow& event,
                     std::string_view user);

// "INSERT INTO `db`.events (`key`, ...) FORMAT RowBinary".
std::string RowBinaryInsertSql(const std::string& database);

// One otel_logs row (JSONEachRow line) for a stored telemetry record.
void AppendOtelLogRow(std::string& out, const TelemetryRow& row);

// "2025-09-03 10:00:00.123".
std::string ClickHouseDateTime64(int64_t utc_ms);

}  // namespace cc
