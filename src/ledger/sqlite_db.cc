#include "ledger/sqlite_db.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace cc::sql {
namespace {

std::string WhyNotWritable(const std::string& path);

// "<what> (<file>): <SQLite's message>", and for a refused write why the
// file cannot be written.
Status SqlError(sqlite3* db, std::string_view what) {
  int code = sqlite3_extended_errcode(db);
  const char* file = sqlite3_db_filename(db, "main");
  std::string message = std::string(what);
  if (file != nullptr && *file != '\0') message += std::string(" (") + file + ")";
  message += std::string(": ") + sqlite3_errmsg(db);
  if (file != nullptr && *file != '\0' &&
      ((code & 0xff) == SQLITE_READONLY || (code & 0xff) == SQLITE_CANTOPEN ||
       (code & 0xff) == SQLITE_PERM)) {
    if (std::string why = WhyNotWritable(file); !why.empty()) {
      message += " (" + why + ")";
    }
  }
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

namespace {

std::string DirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// Why `path` cannot be written, in words ("" when it can).
std::string WhyNotWritable(const std::string& path) {
  const std::string dir = DirectoryOf(path);
  struct statvfs fs;
  if (statvfs(dir.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0) {
    return "the file system is mounted read-only";
  }
  if (access(path.c_str(), W_OK) != 0 && errno != ENOENT) {
    return "the file is not writable (" + std::string(std::strerror(errno)) +
           ")";
  }
  if (access(dir.c_str(), W_OK) != 0) {
    return "the directory " + dir + " is not writable";
  }
  return "";
}

// A URI naming `path` (absolute; '%', '?' and '#' escaped).
std::string UriOf(const std::string& path, const char* parameters) {
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(path, ec).string();
  if (ec) absolute = path;
  std::string uri = "file://";
  for (char c : absolute) {
    if (c == '%' || c == '?' || c == '#') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      uri += buf;
    } else {
      uri += c;
    }
  }
  return uri + "?" + parameters;
}

// Opens and reads the schema, where SQLite reports what it could not open.
Result<sqlite3*> TryOpen(const std::string& name, int flags, bool query_only) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(name.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    if (query_only) {
      rc = sqlite3_exec(db, "PRAGMA query_only = ON", nullptr, nullptr,
                        nullptr);
    }
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(db, "SELECT COUNT(*) FROM sqlite_schema", nullptr,
                      nullptr, nullptr);
  }
  if (rc == SQLITE_OK) return db;
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int code = db ? sqlite3_extended_errcode(db) : rc;
  sqlite3_close_v2(db);
  if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB) {
    return Status::Corruption(message);
  }
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    return Status::Busy(message);
  }
  return Status::IoError(message);
}

// The bytes of write-ahead log waiting beside `path` (0: none).
uint64_t WalBytes(const std::string& path) {
  struct stat st;
  if (stat((path + "-wal").c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_size);
}

// A reader's connection. First read-write with query_only: SQLite falls
// back to read-only by itself when the file is write-protected, and this
// connection can still roll back the hot journal, or recover the WAL, of a
// writer killed mid-commit, which a SQLITE_OPEN_READONLY one cannot (it
// fails with "attempt to write a readonly database" until a writer comes).
// Where nothing can be written (*note says why), read-only, then
// immutable: the best there is.
Result<sqlite3*> OpenReader(const std::string& path, Access* mode,
                            std::string* note) {
  Result<sqlite3*> db = TryOpen(path, SQLITE_OPEN_READWRITE, true);
  if (db.ok() || db.status().code() != Status::Code::kIoError) return db;
  const std::string first_error = db.status().message();
  *note = WhyNotWritable(path);
  if (note->empty()) return db;
  *mode = Access::kReadOnly;
  db = TryOpen(UriOf(path, "mode=ro"), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
               false);
  if (db.ok() || db.status().code() != Status::Code::kIoError) return db;
  // No -shm, and none can be made: only an immutable open reads the file,
  // and it would not see a write-ahead log's commits.
  if (const uint64_t wal = WalBytes(path); wal > 0) {
    return Status::IoError(first_error + " (" + *note + "; " + path +
                           "-wal holds " + std::to_string(wal) +
                           " bytes of commits that cannot be read without "
                           "creating " + path + "-shm: open the ledger once "
                           "where it can be written)");
  }
  *mode = Access::kImmutable;
  return TryOpen(UriOf(path, "immutable=1"),
                 SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, false);
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 bool read_only) {
  const std::string what = "cannot open ledger " + path + ": ";
  if (!read_only) {
    if (Status s = CreatePrivateFile(path); !s.ok()) {
      const std::string why = WhyNotWritable(path);
      return Status::IoError(what + s.message() +
                             (why.empty() ? "" : " (" + why + ")"));
    }
  } else if (::access(path.c_str(), R_OK) != 0) {
    return Status::IoError(what + std::strerror(errno));
  }
  Access mode = Access::kReadWrite;
  std::string note;
  Result<sqlite3*> db =
      read_only ? OpenReader(path, &mode, &note)
                : TryOpen(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                          false);
  if (!db.ok()) {
    const std::string why = note.empty() ? WhyNotWritable(path) : note;
    std::string message = what + db.status().message();
    if (!why.empty() && message.find(why) == std::string::npos) {
      message += " (" + why + ")";
    }
    switch (db.status().code()) {
      case Status::Code::kCorruption: return Status::Corruption(message);
      case Status::Code::kBusy: return Status::Busy(message);
      default: return Status::IoError(message);
    }
  }
  auto out = std::unique_ptr<Database>(new Database(*db));
  out->path_ = path;
  out->access_ = mode;
  if (mode != Access::kReadWrite) {
    out->access_note_ = note + (mode == Access::kReadOnly
                                    ? "; opened read-only"
                                    : "; opened read-only and immutable");
  }
  if (Result<std::optional<FileId>> id = FileIdOfPath(path); id.ok() && *id) {
    out->file_id_ = **id;
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

namespace cc::sql {

Result<std::vector<std::string>> Database::CheckIntegrity(bool quick,
                                                          int max_problems) {
  const std::string sql = std::string(quick ? "PRAGMA quick_check("
                                            : "PRAGMA integrity_check(") +
                          std::to_string(max_problems) + ")";
  Statement st(db_, sql);
  std::vector<std::string> problems;
  for (;;) {
    Result<bool> row = st.Step();
    if (!row.ok()) {
      if (row.status().code() != Status::Code::kCorruption) {
        return row.status();
      }
      problems.push_back(row.status().message());
      break;
    }
    if (!*row) break;
    std::string line = st.Text(0);
    if (line != "ok") problems.push_back(std::move(line));
  }
  return problems;
}

Status Database::ReplaceContentWith(Database& source) {
  sqlite3_backup* backup = sqlite3_backup_init(db_, "main", source.db_, "main");
  if (backup == nullptr) return SqlError(db_, "copying the repaired ledger");
  const int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqlError(db_, "copying the repaired ledger");
  return Status::Ok();
}

}  // namespace cc::sql
