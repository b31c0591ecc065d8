#include "ledger/sqlite_db.h"

#include <sqlite3.h>

namespace cc::sql {
namespace {

Status SqlError(sqlite3* db, std::string_view what) {
  int code = sqlite3_extended_errcode(db);
  std::string message = std::string(what) + ": " + sqlite3_errmsg(db);
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    return Status::Busy(message);
  }
  if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB) {
    return Status::Corruption(message);
  }
  return Status::IoError(message);
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt_,
                         nullptr) != SQLITE_OK) {
    prepare_error_ = sqlite3_errmsg(db);
    stmt_ = nullptr;
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, uint64_t value) {
  return Bind(index, static_cast<int64_t>(value));
}

Statement& Statement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  if (stmt_ == nullptr) {
    return Status::IoError("SQL prepare failed: " + prepare_error_);
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status error = SqlError(db_, "SQL step");
  sqlite3_reset(stmt_);
  return error;
}

Status Statement::Run() {
  Result<bool> row = Step();
  while (row.ok() && *row) row = Step();
  Reset();
  return row.status();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

uint64_t Statement::Uint(int column) const {
  return static_cast<uint64_t>(sqlite3_column_int64(stmt_, column));
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(size));
}

std::string_view Statement::TextView(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(size)};
}

double Statement::Double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Database::~Database() { sqlite3_close_v2(db_); }

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 bool read_only) {
  sqlite3* db = nullptr;
  // A reader opens read-write (SQLite falls back to read-only by itself
  // when the file is write-protected) and forbids its own writes with
  // query_only: a SQLITE_OPEN_READONLY connection cannot roll back the
  // hot journal, or recover the WAL, of a writer killed mid-commit, and
  // fails with "attempt to write a readonly database" until a writer
  // comes.
  const int flags = read_only ? SQLITE_OPEN_READWRITE
                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open " + path + ": " +
                          (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return Status::IoError(message);
  }
  sqlite3_busy_timeout(db, 5000);
  auto out = std::unique_ptr<Database>(new Database(db));
  if (read_only) {
    if (Status s = out->Exec("PRAGMA query_only = ON"); !s.ok()) return s;
  }
  return out;
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    Status s = SqlError(db_, error ? error : "exec");
    sqlite3_free(error);
    return s;
  }
  return Status::Ok();
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  Statement st(db_, sql);
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Corruption("no row from: " + std::string(sql));
  return st.Int(0);
}

std::string Database::LastError() const { return sqlite3_errmsg(db_); }

}  // namespace cc::sql

namespace cc::sql {

Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

}  // namespace cc::sql
