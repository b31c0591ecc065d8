// TokensFromRow: the eight token columns of `events`, in schema order
// (input, output, cache creation, its 5m and 1h split, cache read, web
// search, web fetch), read from a result row starting at `first_column`.
// Private to ledger/.
#pragma once

#include "core/tokens.h"
#include "ledger/sqlite_db.h"

namespace cc {

inline Tokens TokensFromRow(const sql::Statement& row, int first_column) {
  int c = first_column;
  Tokens t;
  t.input = row.Uint(c++);
  t.output = row.Uint(c++);
  t.cache_creation = row.Uint(c++);
  t.cache_creation_5m = row.Uint(c++);
  t.cache_creation_1h = row.Uint(c++);
  t.cache_read = row.Uint(c++);
  t.web_search_requests = row.Uint(c++);
  t.web_fetch_requests = row.Uint(c);
  return t;
}

}  // namespace cc
