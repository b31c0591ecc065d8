// RepairLedger: a damaged ledger rebuilt into a new file, then copied back.
//
// Why a new file rather than REINDEX in place: a damaged index cannot be
// trusted to be walked (REINDEX and DROP free its pages by reading them),
// and an index that lost a key lets the table hold that key twice, which
// REINDEX refuses (UNIQUE constraint failed). Reading each table through
// its own b-tree (NOT INDEXED) touches no index at all; the new file's
// indexes are built from the rows as they are inserted.
#include "ledger/ledger_repair.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "ledger/event_columns.h"
#include "ledger/ledger_files.h"
#include "ledger/meta.h"
#include "ledger/query_rows.h"
#include "ledger/rollup.h"
#include "ledger/schema.h"
#include "ledger/sqlite_db.h"
#include "ledger/writer_lock.h"

namespace cc {
namespace {

constexpr int kMaxProblems = 20;

// Keys the damaged file holds more than once, read without any index.
constexpr const char* kDoubledKeys =
    "SELECT key FROM damaged.events NOT INDEXED GROUP BY key "
    "HAVING COUNT(*) > 1";

// One row of a key stored more than once.
struct StoredRow {
  int64_t rowid = 0;
  EventRow row;
};

// The rows of one key merged as the ledger merges records (Event::Merge:
// tokens field-wise max, the earliest record's attributes, fast if any
// was); a row only telemetry made gives way to a transcript's attributes,
// and brings none to one.
StoredRow MergeRows(const std::vector<StoredRow>& rows) {
  auto telemetry_only = [](const EventRow& r) {
    return r.event.first.file == kTelemetryProvenance;
  };
  size_t base = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!telemetry_only(rows[i].row)) {
      base = i;
      break;
    }
  }
  StoredRow merged = rows[base];
  EventRow& m = merged.row;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == base) continue;
    const EventRow& r = rows[i].row;
    const Provenance first_before = m.event.first;
    m.event.Merge(r.event, telemetry_only(r) && !telemetry_only(m)
                               ? AttributePolicy::kKeep
                               : AttributePolicy::kEarliest);
    if (!(m.event.first == first_before)) m.source = r.source;
    merged.rowid = std::min(merged.rowid, rows[i].rowid);
    m.first_seen_ms = std::min(m.first_seen_ms, r.first_seen_ms);
    m.last_seen_ms = std::max(m.last_seen_ms, r.last_seen_ms);
    m.exact = m.exact || r.exact;
  }
  return merged;
}

Status InsertMerged(sql::Database& db, StoredRow r, int64_t seq,
                    const PriceTable& prices) {
  EventRow& row = r.row;
  const Event& e = row.event;
  const Cost cost = prices.CostOf(CostInputOf(e));
  row.change_seq = seq;
  row.cost_nano = cost.nano;
  row.priced = cost.known;
  row.price_version = prices.version();
  sql::Statement st(db.handle(), "INSERT INTO main.events(rowid, " +
                                     StoredEventColumns() + ") VALUES(?1, " +
                                     StoredEventParams(2) + ")");
  st.Bind(1, r.rowid);
  BindEventRow(st, 2, row);
  return st.Run();
}

// Copies the events: those stored once as they are, each doubled key as
// one merged row with a new change_seq (so a shipper sends it again).
Status CopyEvents(sql::Database& db, const PriceTable& prices,
                  RepairReport* report) {
  if (Status s =
          db.Exec("INSERT INTO main.events(rowid, " + StoredEventColumns() +
                  ") SELECT rowid, " + StoredEventColumns() +
                  " FROM damaged.events NOT INDEXED WHERE key NOT IN (" +
                  kDoubledKeys + ")");
      !s.ok()) {
    return s;
  }
  report->rows_copied += static_cast<uint64_t>(db.Changes());
  Result<int64_t> next = db.QueryInt(
      "SELECT CAST(value AS INTEGER) FROM main.meta WHERE key = "
      "'next_change_seq'");
  if (!next.ok()) return next.status();
  int64_t seq = *next;
  sql::Statement read(db.handle(), "SELECT rowid, " + StoredEventColumns() +
                                       " FROM damaged.events NOT INDEXED "
                                       "WHERE key IN (" +
                                       kDoubledKeys + ") ORDER BY key, rowid");
  std::vector<StoredRow> rows;
  auto flush = [&]() -> Status {
    if (rows.empty()) return Status::Ok();
    ++report->keys_doubled;
    report->rows_merged += rows.size() - 1;
    Status s = InsertMerged(db, MergeRows(rows), seq++, prices);
    rows.clear();
    return s;
  };
  for (;;) {
    Result<bool> more = read.Step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    StoredRow row;
    row.rowid = read.Int(0);
    ReadEventRow(read, 1, row.row);
    if (!rows.empty() && rows.front().row.event.key != row.row.event.key) {
      if (Status s = flush(); !s.ok()) return s;
    }
    rows.push_back(std::move(row));
  }
  if (Status s = flush(); !s.ok()) return s;
  if (Status s = WriteMeta(db, "next_change_seq", std::to_string(seq));
      !s.ok()) {
    return s;
  }
  if (report->keys_doubled == 0) return Status::Ok();
  // The merged rows are priced with this table: it joins the list.
  return NotePriceVersion(db, prices.version());
}

// The first column of every row `st` returns.
Result<std::vector<std::string>> Names(sql::Statement& st) {
  std::vector<std::string> names;
  Status s = ForEachRow(st, [&names](const sql::Statement& row) {
    names.push_back(row.Text(0));
  });
  if (!s.ok()) return s;
  return names;
}

Result<std::vector<std::string>> ColumnsOf(sql::Database& db,
                                           const std::string& schema,
                                           const std::string& table) {
  sql::Statement st(db.handle(), "SELECT name FROM pragma_table_info(?1, ?2)");
  st.BindFrom(1, table, schema);
  return Names(st);
}

// Whether the new file's `table` has a rowid of its own to keep (not
// WITHOUT ROWID, and no INTEGER PRIMARY KEY column standing for it).
Result<bool> HasHiddenRowid(sql::Database& db, const std::string& table) {
  sql::Statement st(db.handle(), R"sql(
    SELECT (SELECT sql FROM main.sqlite_schema WHERE name = ?1)
             NOT LIKE '%WITHOUT ROWID%'
       AND NOT EXISTS (SELECT 1 FROM pragma_table_info(?1, 'main')
                       WHERE pk = 1 AND upper(type) = 'INTEGER'
                         AND (SELECT COUNT(*) FROM pragma_table_info(?1, 'main')
                              WHERE pk > 0) = 1))sql");
  st.Bind(1, table);
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  return *row && st.Int(0) != 0;
}

// Copies one table other than events and the rollup (rebuilt), rowids
// kept (telemetry's shipping marks are rowids). The new file's rows from
// its creation (meta's defaults) give way to the old ones.
Status CopyTable(sql::Database& db, const std::string& table,
                 RepairReport* report) {
  Result<std::vector<std::string>> old_columns =
      ColumnsOf(db, "damaged", table);
  if (!old_columns.ok()) return old_columns.status();
  Result<std::vector<std::string>> new_columns = ColumnsOf(db, "main", table);
  if (!new_columns.ok()) return new_columns.status();
  std::string columns;
  for (const std::string& c : *new_columns) {
    if (std::find(old_columns->begin(), old_columns->end(), c) ==
        old_columns->end()) {
      continue;
    }
    columns += (columns.empty() ? "\"" : ", \"") + c + "\"";
  }
  Result<bool> rowid = HasHiddenRowid(db, table);
  if (!rowid.ok()) return rowid.status();
  if (*rowid) columns = "rowid, " + columns;
  Status s = db.Exec("INSERT OR REPLACE INTO main.\"" + table + "\"(" +
                     columns + ") SELECT " + columns + " FROM damaged.\"" +
                     table + "\" NOT INDEXED");
  if (s.ok()) report->rows_copied += static_cast<uint64_t>(db.Changes());
  return s;
}

Result<std::vector<std::string>> TablesOf(sql::Database& db) {
  sql::Statement st(db.handle(),
                    "SELECT name FROM damaged.sqlite_schema WHERE type = "
                    "'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  return Names(st);
}

// Fills the new file from the damaged one (attached as `damaged`).
Status Rebuild(sql::Database& fresh, const PriceTable& prices,
               RepairReport* report) {
  Result<std::vector<std::string>> tables = TablesOf(fresh);
  if (!tables.ok()) return tables.status();
  // meta first: the events' change numbers continue from its mark.
  std::stable_partition(tables->begin(), tables->end(),
                        [](const std::string& t) { return t == "meta"; });
  for (const std::string& table : *tables) {
    if (table == "usage_rollup" || table == "usage_dims") continue;
    Result<std::vector<std::string>> known = ColumnsOf(fresh, "main", table);
    if (!known.ok()) return known.status();
    if (known->empty()) {
      report->unsaved.push_back(table +
                                ": a table this program does not know "
                                "(left out)");
      continue;
    }
    Status s = table == "events" ? CopyEvents(fresh, prices, report)
                                 : CopyTable(fresh, table, report);
    if (s.ok()) continue;
    if (table == "events" || table == "meta") {
      return Status::Corruption("the " + table + " table itself is damaged (" +
                                s.message() + ")");
    }
    report->unsaved.push_back(table + ": could not be read (" + s.message() +
                              "); left empty");
  }
  return RebuildRollup(fresh);
}

// An empty ledger file beside `path`, at the current schema, with the
// damaged one attached as `damaged`.
Result<std::unique_ptr<sql::Database>> OpenFresh(const std::string& fresh_path,
                                                 const std::string& path,
                                                 int64_t page_size) {
  std::error_code ec;
  std::filesystem::remove(fresh_path, ec);
  Result<std::unique_ptr<sql::Database>> fresh =
      sql::Database::Open(fresh_path, false);
  if (!fresh.ok()) return fresh;
  sql::Database& db = **fresh;
  // The copy goes back into a WAL file, which takes pages of its own size.
  for (const std::string& pragma :
       {"PRAGMA page_size = " + std::to_string(page_size),
        std::string("PRAGMA journal_mode = MEMORY"),
        std::string("PRAGMA synchronous = OFF"),
        std::string("PRAGMA cache_size = -64000")}) {
    if (Status s = db.Exec(pragma); !s.ok()) return s;
  }
  if (Status s = Migrate(db); !s.ok()) return s;
  sql::Statement attach(db.handle(), "ATTACH DATABASE ?1 AS damaged");
  attach.Bind(1, path);
  if (Status s = attach.Run(); !s.ok()) return s;
  return fresh;
}

// Every key of the damaged file is one event of the new one.
Status CheckEveryKeyKept(sql::Database& fresh, RepairReport* report) {
  Result<int64_t> keys = fresh.QueryInt(
      "SELECT COUNT(*) FROM (SELECT DISTINCT key FROM damaged.events NOT "
      "INDEXED)");
  if (!keys.ok()) return keys.status();
  Result<int64_t> events = fresh.QueryInt("SELECT COUNT(*) FROM main.events");
  if (!events.ok()) return events.status();
  report->events = static_cast<uint64_t>(*events);
  if (*keys != *events) {
    return Status::Corruption("the repaired ledger has " +
                              std::to_string(*events) + " events for " +
                              std::to_string(*keys) + " keys");
  }
  return Status::Ok();
}

}  // namespace

Result<RepairReport> RepairLedger(const std::string& path,
                                  const std::string& holder,
                                  const PriceTable* prices) {
  const PriceTable& table = prices ? *prices : PriceTable::Embedded();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::IoError("no ledger at " + path);
  }
  Result<std::unique_ptr<WriterLock>> lock = WriterLock::Acquire(path, holder);
  if (!lock.ok()) return lock.status();
  Result<std::unique_ptr<sql::Database>> old = sql::Database::Open(path, false);
  if (!old.ok()) return old.status();
  RepairReport report;
  Result<std::vector<std::string>> before =
      (*old)->CheckIntegrity(false, kMaxProblems);
  if (!before.ok()) return before.status();
  report.problems_before = std::move(*before);
  if (Status s = Migrate(**old); !s.ok()) return s;
  Result<int64_t> page_size = (*old)->QueryInt("PRAGMA page_size");
  if (!page_size.ok()) return page_size.status();

  const std::string fresh_path = path + ".repair";
  Status s = [&]() -> Status {
    Result<std::unique_ptr<sql::Database>> fresh =
        OpenFresh(fresh_path, path, *page_size);
    if (!fresh.ok()) return fresh.status();
    sql::Database& db = **fresh;
    Status built = sql::InTransaction(db, [&]() -> Status {
      if (Status rs = Rebuild(db, table, &report); !rs.ok()) return rs;
      return CheckEveryKeyKept(db, &report);
    });
    if (!built.ok()) return built;
    if (Status ds = db.Exec("DETACH DATABASE damaged"); !ds.ok()) return ds;
    Result<std::vector<std::string>> fresh_problems =
        db.CheckIntegrity(false, kMaxProblems);
    if (!fresh_problems.ok()) return fresh_problems.status();
    if (!fresh_problems->empty()) {
      return Status::Corruption("the rebuilt copy is not sound either: " +
                                fresh_problems->front());
    }
    return (*old)->ReplaceContentWith(db);
  }();
  std::filesystem::remove(fresh_path, ec);
  if (!s.ok()) {
    return Status(
        s.code() == Status::Code::kCorruption
            ? Status::Corruption("cannot repair " + path + ": " + s.message() +
                                 "; the ledger was left as it was")
            : Status::IoError("cannot repair " + path + ": " + s.message() +
                              "; the ledger was left as it was"));
  }
  Result<std::vector<std::string>> after =
      (*old)->CheckIntegrity(false, kMaxProblems);
  if (!after.ok()) return after.status();
  report.problems_after = std::move(*after);
  return report;
}

}  // namespace cc
