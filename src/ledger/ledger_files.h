// The ledger's files on disk: who may read them, and which file a path names.
//
// The ledger holds paths, branches, session ids, e-mail addresses and
// account ids, so what context-cleaner creates is private whatever the
// umask: the ledger's directory 0700 (when it creates it), the database
// and lock files 0600 (SQLite gives the -wal, -shm and -journal files the
// database file's mode). Existing files keep their modes; a ledger that
// others can read is reported (ExposureWarning) for the CLI to print.
// None of these print. Thread-compatible (no state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace cc {

// Creates the directory that holds `ledger_path` if it is missing: its
// missing ancestors as usual, the directory itself 0700. An existing
// directory is left as it is.
Status EnsurePrivateLedgerDirectory(const std::string& ledger_path);

// Creates `path` empty with mode 0600 if it does not exist (an empty file
// is an empty SQLite database); an existing file is left untouched.
Status CreatePrivateFile(const std::string& path);

// One line for the user when the ledger is readable by other users: group
// or other read bits on the database, its -wal/-shm or its lock file, or
// on the directory when the directory holds nothing but the ledger's files
// (a shared directory such as /tmp is not the ledger's to close). The line
// names the fix (`chmod 600 FILE...`, `chmod 700 DIR`). nullopt: private,
// or no ledger there.
std::optional<std::string> ExposureWarning(const std::string& ledger_path);

// Which file a path names: device and inode. Two identities are equal when
// both name the same file.
struct FileId {
  uint64_t device = 0;
  uint64_t inode = 0;
  bool operator==(const FileId&) const = default;
};
// The file `path` names now; nullopt when it names none (deleted, or a
// directory on the way is gone); IoError naming the path and the cause
// when it cannot be told.
Result<std::optional<FileId>> FileIdOfPath(const std::string& path);
Result<FileId> FileIdOfDescriptor(int fd);

}  // namespace cc
