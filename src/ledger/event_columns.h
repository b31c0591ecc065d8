// The events row, declared once: its columns in one table, each with its
// field in an EventRow, shared by the SQLite ledger (binds, reads, repair)
// and the ClickHouse schema and row writers (clickhouse/schema.cc,
// clickhouse/row_format.cc). Adding a column is a field and an entry in the
// table (plus, for SQLite, a migration in ledger/schema.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

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

// What a column kind holds; ClickHouse maps each to its type.
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

// Where a column's value lives in an EventRow.
using EventField = std::variant<std::string*, int64_t*, uint64_t*, bool*>;

// A column's field: a member of the row, of its event, of the event's first
// record, of its attributes or of its tokens.
template <auto F>
EventField Row(EventRow& r) { return &(r.*F); }
template <auto F>
EventField Ev(EventRow& r) { return &(r.event.*F); }
template <auto F>
EventField First(EventRow& r) { return &(r.event.first.*F); }
template <auto F>
EventField Attr(EventRow& r) { return &(r.event.attributes.*F); }
template <auto F>
EventField Tok(EventRow& r) { return &(r.event.tokens.*F); }

struct EventColumnSpec {
  const char* sqlite;      // Name in the ledger; nullptr: not stored there.
  const char* clickhouse;  // Name in ClickHouse; nullptr: not shipped.
  ColumnKind kind;
  EventField (*field)(EventRow&);  // nullptr: not in the row (`user`).
  // Whether a merge that keeps the event's first record (and so its
  // attributes) may change it: the columns EventStore's narrow update sets.
  bool merged = false;
};

// The columns, in ClickHouse's order (the SQLite-only ones are skipped
// there; SQLite statements name their columns, so its order is free). The
// key comes first.
inline constexpr EventColumnSpec kEventColumns[] = {
    // clang-format off
    {"key", "key", ColumnKind::kKey, Ev<&Event::key>},
    {"source", "source", ColumnKind::kLabel, Row<&EventRow::source>},
    // The shipper's label for this machine (ShipperOptions::user).
    {nullptr, "user", ColumnKind::kLabel, nullptr},
    {"timestamp_ms", "timestamp", ColumnKind::kTimeMs, First<&Provenance::timestamp_ms>},
    {"file", nullptr, ColumnKind::kText, First<&Provenance::file>},
    {"line_offset", nullptr, ColumnKind::kCount, First<&Provenance::offset>},
    {"file_end_ms", nullptr, ColumnKind::kTimeMs, First<&Provenance::file_end_ms>},
    {"session_id", "session_id", ColumnKind::kText, Attr<&Attributes::session_id>},
    {"project", "project", ColumnKind::kLabel, Attr<&Attributes::project>},
    {"cwd", "cwd", ColumnKind::kText, Attr<&Attributes::cwd>},
    {"git_branch", "git_branch", ColumnKind::kLabel, Attr<&Attributes::git_branch>},
    {"version", "version", ColumnKind::kLabel, Attr<&Attributes::version>},
    {"model", "model", ColumnKind::kLabel, Attr<&Attributes::model>},
    {"agent_id", "agent_id", ColumnKind::kText, Attr<&Attributes::agent_id>},
    {"is_sidechain", "is_sidechain", ColumnKind::kFlag, Attr<&Attributes::is_sidechain>},
    {"speed", "speed", ColumnKind::kLabel, Attr<&Attributes::speed>, true},
    {"inference_geo", "inference_geo", ColumnKind::kLabel, Attr<&Attributes::inference_geo>, true},
    {"input_tokens", "input_tokens", ColumnKind::kCount, Tok<&Tokens::input>, true},
    {"output_tokens", "output_tokens", ColumnKind::kCount, Tok<&Tokens::output>, true},
    {"cache_creation_tokens", "cache_creation_tokens", ColumnKind::kCount, Tok<&Tokens::cache_creation>, true},
    {"cache_creation_5m_tokens", "cache_creation_5m_tokens", ColumnKind::kCount, Tok<&Tokens::cache_creation_5m>, true},
    {"cache_creation_1h_tokens", "cache_creation_1h_tokens", ColumnKind::kCount, Tok<&Tokens::cache_creation_1h>, true},
    {"cache_read_tokens", "cache_read_tokens", ColumnKind::kCount, Tok<&Tokens::cache_read>, true},
    {"web_search_requests", "web_search_requests", ColumnKind::kCount, Tok<&Tokens::web_search_requests>, true},
    {"web_fetch_requests", "web_fetch_requests", ColumnKind::kCount, Tok<&Tokens::web_fetch_requests>, true},
    {"cost_nano", "cost_nano", ColumnKind::kNano, Row<&EventRow::cost_nano>, true},
    {"priced", "priced", ColumnKind::kFlag, Row<&EventRow::priced>, true},
    {"price_version", "price_version", ColumnKind::kLabel, Row<&EventRow::price_version>, true},
    {"change_seq", "change_seq", ColumnKind::kSeq, Row<&EventRow::change_seq>, true},
    {"first_seen_ms", "first_seen", ColumnKind::kTimeMs, Row<&EventRow::first_seen_ms>},
    {"last_seen_ms", "last_seen", ColumnKind::kTimeMs, Row<&EventRow::last_seen_ms>, true},
    {"exact", nullptr, ColumnKind::kFlag, Row<&EventRow::exact>},
    // clang-format on
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

// The value of column `c` in `row`; `user`'s is `user`.
EventColumnValue ValueOf(const EventColumnSpec& c, const EventRow& row,
                         std::string_view user = {});

// --- SQLite (private to ledger/) ---
// How many columns the ledger stores.
int StoredEventColumnCount();
// "key, source, timestamp_ms, ...": the stored columns, in table order.
const std::string& StoredEventColumns();
// "?first, ?first+1, ...": one parameter per stored column.
std::string StoredEventParams(int first_param);
// "source = ?first+1, ...": every stored column but the key (or, `merged`,
// only those a merge that keeps the first record changes), each set from
// the parameter its place gives (the key is ?first).
std::string StoredEventAssignments(int first_param, bool merged = false);
// Binds every stored column (`merged`: those StoredEventAssignments(_,
// true) sets), each to the parameter its place from `first_param` gives.
void BindEventRow(sql::Statement& st, int first_param, const EventRow& row,
                  bool merged = false);
// Reads the stored columns (as StoredEventColumns() selects them) from
// `first_column` into `row`, reusing its strings' capacity.
void ReadEventRow(const sql::Statement& st, int first_column, EventRow& row);

}  // namespace cc
