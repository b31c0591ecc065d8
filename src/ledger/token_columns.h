// TokensFromRow / BindTokens: the eight token columns of `events`, in
// schema order (input, output, cache creation, its 5m and 1h split, cache
// read, web search, web fetch), read from a result row starting at
// `first_column`, or bound as parameters starting at `first_param`.
// Private to ledger/.
#pragma once

#include "core/tokens.h"
#include "ledger/sqlite_db.h"

namespace cc {

// The eight columns' names, in that order, for a SELECT.
inline constexpr const char* kTokenColumnNames =
    "input_tokens, output_tokens, cache_creation_tokens, "
    "cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_tokens, "
    "web_search_requests, web_fetch_requests";

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

inline sql::Statement& BindTokens(sql::Statement& st, int first_param,
                                  const Tokens& t) {
  return st.BindFrom(first_param, t.input, t.output, t.cache_creation,
                     t.cache_creation_5m, t.cache_creation_1h, t.cache_read,
                     t.web_search_requests, t.web_fetch_requests);
}

}  // namespace cc
