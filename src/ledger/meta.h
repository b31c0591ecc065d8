// The `meta` table's key/value settings (schema marks, price versions,
// shipping state). Private to ledger/.
#pragma once

#include <string>
#include <vector>

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

// A mark kept as text ("" reads 0).
inline int64_t MetaAsInt(const std::string& s) {
  return s.empty() ? 0 : std::stoll(s);
}

// The price table versions the stored costs come from, kept one per line
// under "price_versions" (empty: the events were never priced).
inline constexpr const char* kPriceVersionsKey = "price_versions";

inline Result<std::vector<std::string>> ReadPriceVersions(sql::Database& db) {
  Result<std::string> versions = ReadMeta(db, kPriceVersionsKey);
  if (!versions.ok()) return versions.status();
  std::vector<std::string> out;
  size_t start = 0;
  while (start < versions->size()) {
    size_t end = versions->find('\n', start);
    if (end == std::string::npos) end = versions->size();
    if (end > start) out.push_back(versions->substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Adds `version` to the list unless it is there.
inline Status NotePriceVersion(sql::Database& db, const std::string& version) {
  Result<std::string> versions = ReadMeta(db, kPriceVersionsKey);
  if (!versions.ok()) return versions.status();
  std::string lines = "\n";
  lines += *versions;
  std::string line = "\n";
  line.append(version).append("\n");
  if (lines.find(line) != std::string::npos) return Status::Ok();
  return WriteMeta(db, kPriceVersionsKey, lines.substr(1) + line.substr(1));
}

}  // namespace cc
