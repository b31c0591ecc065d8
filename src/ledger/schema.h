// The ledger's schema and its migrations (docs/storage.md describes them).
//
// PRAGMA user_version holds the schema version. Migrate() applies every
// step after the file's version in one transaction; a file from a newer
// version of the program is refused, never touched.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "core/status.h"
#include "ledger/sqlite_db.h"

namespace cc {

inline constexpr int kSchemaVersion = 12;

// Applies migration steps (from_version, to_version]. Exposed so tests can
// build a ledger as an older program would have left it.
Status ApplyMigrations(sql::Database& db, int from_version, int to_version);

// Brings an opened, locked ledger to kSchemaVersion.
Status Migrate(sql::Database& db);

// A read-write connection beside the writer's that takes no lock and runs
// no migration (ShipQueue, TelemetryStore): NotSupported unless the ledger
// is at kSchemaVersion.
Result<std::unique_ptr<sql::Database>> OpenAtCurrentSchema(
    const std::string& path);

}  // namespace cc
