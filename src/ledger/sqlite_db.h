// A thin RAII layer over the SQLite C API, private to ledger/. The sqlite3
// types are only forward-declared here; <sqlite3.h> stays in sqlite_db.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cc::sql {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // A statement that failed to prepare reports it on its first Step().
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, uint64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, double value);
  Statement& BindNull(int index);

  // true: a row is ready; false: done. Resets bindings after Done via Reset().
  Result<bool> Step();
  // Steps to completion (for statements that return no rows).
  Status Run();
  void Reset();

  int64_t Int(int column) const;
  uint64_t Uint(int column) const;
  std::string Text(int column) const;
  // Valid until the next Step, Reset or column call on this column.
  std::string_view TextView(int column) const;
  bool IsNull(int column) const;
  double Double(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string prepare_error_;
};

class Database {
 public:
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // `read_only`: no writes through this connection (query_only), yet it
  // can recover what a writer killed mid-commit left; the file must exist.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                bool read_only);
  Status Exec(std::string_view sql);
  // The single integer a query returns (e.g. PRAGMA user_version).
  Result<int64_t> QueryInt(std::string_view sql);
  sqlite3* handle() const { return db_; }
  std::string LastError() const;
  // Rows the last INSERT, UPDATE or DELETE changed.
  int64_t Changes() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back on failure.
template <typename F>
Status InTransaction(Database& db, F&& body) {
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Status s = body();
  if (!s.ok()) {
    (void)db.Exec("ROLLBACK");
    return s;
  }
  return db.Exec("COMMIT");
}

}  // namespace cc::sql
