// A thin RAII layer over the SQLite C API, private to ledger/. The sqlite3
// types are only forward-declared here; <sqlite3.h> stays in sqlite_db.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ledger/ledger_files.h"

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
  // Binds `values` to the parameters from `first` on, in order.
  template <typename... T>
  Statement& BindFrom(int first, const T&... values) {
    (Bind(first++, values), ...);
    return *this;
  }

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

// How a connection reads the file.
enum class Access {
  kReadWrite,  // Writers, and readers where the file can be written.
  kReadOnly,   // SQLITE_OPEN_READONLY: a read-only file, directory or mount.
  kImmutable,  // immutable=1: no -shm could be made; nothing can change it.
};

class Database {
 public:
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A writer's connection (`read_only` false) creates the file, 0600, if
  // it is missing. A reader's (`read_only` true; the file must exist) is
  // first opened read-write with query_only, so that it can recover what a
  // writer killed mid-commit left; where the file, its directory or the
  // mount cannot be written, it falls back to SQLITE_OPEN_READONLY, and
  // where the WAL's -shm cannot be created either, to immutable=1 (only
  // when no write-ahead log holds commits the file lacks). Every failure
  // names the file and the cause.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                bool read_only);
  Access access() const { return access_; }
  // Why a reader fell back ("" when it did not): "the directory /x is not
  // writable", "the file system is mounted read-only".
  const std::string& access_note() const { return access_note_; }
  const std::string& path() const { return path_; }
  // The file this connection opened (device, inode), as of the open.
  const FileId& file_id() const { return file_id_; }

  // SQLite's PRAGMA integrity_check (`quick`: quick_check, which skips
  // matching every index to its table) at most `max_problems` lines; empty
  // when the file is sound. A check that cannot read on (the damage stops
  // it) reports that as a problem.
  Result<std::vector<std::string>> CheckIntegrity(bool quick,
                                                  int max_problems);
  // Replaces this database's whole content with `source`'s, in one
  // transaction through SQLite's backup API: connections elsewhere see the
  // old content or the new, and the file keeps its inode.
  Status ReplaceContentWith(Database& source);
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
  std::string path_;
  Access access_ = Access::kReadWrite;
  std::string access_note_;
  FileId file_id_;
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
