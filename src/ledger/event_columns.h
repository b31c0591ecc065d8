// The events row, declared once: its columns in one table, shared by the
// SQLite ledger (binds, reads, repair) and the ClickHouse schema and row
// writers (clickhouse/schema.cc, clickhouse/row_format.cc). Adding a
// column is a line in the table, a field, and a case in event_columns.cc
// (plus, for SQLite, a migration in ledger/schema.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.h"

namespace cc {

namespace sql {
class Statement;
}

// A stored event row: the Event and what the ledger keeps beside it.
struct EventRow {
  Event event;
  std::string source;
  int64_t cost_nano = 0;
  bool priced = false;
  std::string price_version;
  int64_t change_seq = 0;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  bool exact = false;  // Telemetry confirmed (and may have raised) it.
};

// The same fields as views, valid while the call that gets one lasts: a
// row state as the ledger writes it (OutboxTap), without a copy.
struct EventRowView {
  const Event& event;
  const std::string& source;
  int64_t cost_nano;
  bool priced;
  const std::string& price_version;
  int64_t change_seq;
  int64_t first_seen_ms;
  int64_t last_seen_ms;
  bool exact;

  static EventRowView Of(const EventRow& r) {
    return EventRowView{r.event,         r.source,        r.cost_nano,
                        r.priced,        r.price_version, r.change_seq,
                        r.first_seen_ms, r.last_seen_ms,  r.exact};
  }
};

// The columns, in ClickHouse's order (the SQLite-only ones are skipped
// there; SQLite statements name their columns, so its order is free).
enum class EventColumn {
  kKey,
  kSource,
  kUser,
  kTimestamp,
  kFile,
  kLineOffset,
  kSessionId,
  kProject,
  kCwd,
  kGitBranch,
  kVersion,
  kModel,
  kAgentId,
  kIsSidechain,
  kSpeed,
  kInputTokens,
  kOutputTokens,
  kCacheCreationTokens,
  kCacheCreation5mTokens,
  kCacheCreation1hTokens,
  kCacheReadTokens,
  kWebSearchRequests,
  kWebFetchRequests,
  kCostNano,
  kPriced,
  kPriceVersion,
  kChangeSeq,
  kFirstSeen,
  kLastSeen,
  kExact,
};

// What a column holds; ClickHouse maps each to its type.
enum class ColumnKind {
  kKey,     // The event key.
  kLabel,   // Text of few distinct values (models, projects, branches).
  kText,    // Text of many values.
  kFlag,    // 0 or 1.
  kCount,   // A non-negative integer (tokens, offsets).
  kNano,    // Signed nano-dollars.
  kSeq,     // The change sequence.
  kTimeMs,  // Milliseconds since the epoch, UTC.
};

struct EventColumnSpec {
  EventColumn column;
  const char* sqlite;      // Name in the ledger; nullptr: not stored there.
  const char* clickhouse;  // Name in ClickHouse; nullptr: not shipped.
  ColumnKind kind;
};

inline constexpr EventColumnSpec kEventColumns[] = {
    {EventColumn::kKey, "key", "key", ColumnKind::kKey},
    {EventColumn::kSource, "source", "source", ColumnKind::kLabel},
    // The shipper's label for this machine (ShipperOptions::user).
    {EventColumn::kUser, nullptr, "user", ColumnKind::kLabel},
    {EventColumn::kTimestamp, "timestamp_ms", "timestamp", ColumnKind::kTimeMs},
    {EventColumn::kFile, "file", nullptr, ColumnKind::kText},
    {EventColumn::kLineOffset, "line_offset", nullptr, ColumnKind::kCount},
    {EventColumn::kSessionId, "session_id", "session_id", ColumnKind::kText},
    {EventColumn::kProject, "project", "project", ColumnKind::kLabel},
    {EventColumn::kCwd, "cwd", "cwd", ColumnKind::kText},
    {EventColumn::kGitBranch, "git_branch", "git_branch", ColumnKind::kLabel},
    {EventColumn::kVersion, "version", "version", ColumnKind::kLabel},
    {EventColumn::kModel, "model", "model", ColumnKind::kLabel},
    {EventColumn::kAgentId, "agent_id", "agent_id", ColumnKind::kText},
    {EventColumn::kIsSidechain, "is_sidechain", "is_sidechain",
     ColumnKind::kFlag},
    {EventColumn::kSpeed, "speed", "speed", ColumnKind::kLabel},
    {EventColumn::kInputTokens, "input_tokens", "input_tokens",
     ColumnKind::kCount},
    {EventColumn::kOutputTokens, "output_tokens", "output_tokens",
     ColumnKind::kCount},
    {EventColumn::kCacheCreationTokens, "cache_creation_tokens",
     "cache_creation_tokens", ColumnKind::kCount},
    {EventColumn::kCacheCreation5mTokens, "cache_creation_5m_tokens",
     "cache_creation_5m_tokens", ColumnKind::kCount},
    {EventColumn::kCacheCreation1hTokens, "cache_creation_1h_tokens",
     "cache_creation_1h_tokens", ColumnKind::kCount},
    {EventColumn::kCacheReadTokens, "cache_read_tokens", "cache_read_tokens",
     ColumnKind::kCount},
    {EventColumn::kWebSearchRequests, "web_search_requests",
     "web_search_requests", ColumnKind::kCount},
    {EventColumn::kWebFetchRequests, "web_fetch_requests", "web_fetch_requests",
     ColumnKind::kCount},
    {EventColumn::kCostNano, "cost_nano", "cost_nano", ColumnKind::kNano},
    {EventColumn::kPriced, "priced", "priced", ColumnKind::kFlag},
    {EventColumn::kPriceVersion, "price_version", "price_version",
     ColumnKind::kLabel},
    {EventColumn::kChangeSeq, "change_seq", "change_seq", ColumnKind::kSeq},
    {EventColumn::kFirstSeen, "first_seen_ms", "first_seen",
     ColumnKind::kTimeMs},
    {EventColumn::kLastSeen, "last_seen_ms", "last_seen", ColumnKind::kTimeMs},
    {EventColumn::kExact, "exact", nullptr, ColumnKind::kFlag},
};

// One column's value in a row: `text` for the text kinds, else `number`
// (flags 0 or 1; counts and sequences as their bits).
struct EventColumnValue {
  std::string_view text;
  int64_t number = 0;
};

inline bool IsTextKind(ColumnKind k) {
  return k == ColumnKind::kKey || k == ColumnKind::kLabel ||
         k == ColumnKind::kText;
}

// The value of `column` in `row`; kUser's is `user`.
EventColumnValue ValueOf(EventColumn column, const EventRowView& row,
                         std::string_view user = {});

// --- SQLite (private to ledger/) ---
// How many columns the ledger stores.
int StoredEventColumnCount();
// "key, source, timestamp_ms, ...": the stored columns, in table order.
const std::string& StoredEventColumns();
// "?first, ?first+1, ...": one parameter per stored column.
std::string StoredEventParams(int first_param);
// "source = ?first+1, ...": every stored column but the key, each set from
// the parameter its place gives (the key is ?first).
std::string StoredEventAssignments(int first_param);
// Binds every stored column, in table order, from parameter `first_param`.
void BindEventRow(sql::Statement& st, int first_param, const EventRowView& row);
// Reads the stored columns (as StoredEventColumns() selects them) from
// `first_column` into `row`, reusing its strings' capacity.
void ReadEventRow(const sql::Statement& st, int first_column, EventRow& row);

}  // namespace cc
