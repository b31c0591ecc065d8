// The `meta` table's key/value settings (schema marks, price versions,
// shipping state). Private to ledger/.
#pragma once

#include <string>

#include "core/result.h"
#include "ledger/sqlite_db.h"

namespace cc {

// The value, or "" when the key is absent.
inline Result<std::string> ReadMeta(sql::Database& db, const char* key) {
  sql::Statement st(db.handle(), "SELECT value FROM meta WHERE key = ?1");
  st.Bind(1, std::string_view(key));
  Result<bool> row = st.Step();
  if (!row.ok()) return row.status();
  return *row ? st.Text(0) : std::string();
}

inline Status WriteMeta(sql::Database& db, const char* key,
                        const std::string& value) {
  sql::Statement st(db.handle(),
                    "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  st.Bind(1, std::string_view(key)).Bind(2, value);
  return st.Run();
}

}  // namespace cc
