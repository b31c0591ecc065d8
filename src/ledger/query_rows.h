// ForEachRow: runs a statement and calls a function for each result row.
// Private to ledger/.
#pragma once

#include "core/status.h"
#include "ledger/sqlite_db.h"

namespace cc {

// Runs `st` and calls `row` for each result row.
template <typename F>
Status ForEachRow(sql::Statement& st, F&& row) {
  for (;;) {
    Result<bool> more = st.Step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    row(st);
  }
  st.Reset();
  return Status::Ok();
}

}  // namespace cc
