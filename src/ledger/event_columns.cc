#include "ledger/event_columns.h"

#include "ledger/sqlite_db.h"

namespace cc {
namespace {

// For visiting an EventField with one lambda per type.
template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 14 deduces no aggregate.

// Calls f(spec, place) for each stored column (with `merged`, only those a
// merge that keeps the first record changes, and the key), `place` counting
// every stored column.
template <typename F>
void ForEachStored(F&& f, bool merged = false) {
  int i = 0;
  for (const EventColumnSpec& c : kEventColumns) {
    if (c.sqlite == nullptr) continue;
    if (!merged || c.merged || c.kind == ColumnKind::kKey) f(c, i);
    ++i;
  }
}

}  // namespace

EventColumnValue ValueOf(const EventColumnSpec& c, const EventRow& row,
                         std::string_view user) {
  if (c.field == nullptr) return EventColumnValue{user, 0};
  // The accessor takes a mutable row for ReadEventRow's sake; only read here.
  return std::visit(Overloaded{
                        [](std::string* v) {
                          return EventColumnValue{*v, 0};
                        },
                        [](int64_t* v) {
                          return EventColumnValue{{}, *v};
                        },
                        [](uint64_t* v) {
                          return EventColumnValue{{}, static_cast<int64_t>(*v)};
                        },
                        [](bool* v) {
                          return EventColumnValue{{}, *v ? 1 : 0};
                        },
                    },
                    c.field(const_cast<EventRow&>(row)));
}

int StoredEventColumnCount() {
  int n = 0;
  ForEachStored([&n](const EventColumnSpec&, int) { ++n; });
  return n;
}

const std::string& StoredEventColumns() {
  static const std::string names = [] {
    std::string out;
    ForEachStored([&out](const EventColumnSpec& c, int i) {
      if (i > 0) out += ", ";
      out += c.sqlite;
    });
    return out;
  }();
  return names;
}

std::string StoredEventParams(int first_param) {
  std::string out;
  ForEachStored([&](const EventColumnSpec&, int i) {
    if (i > 0) out += ", ";
    out += '?';
    out += std::to_string(first_param + i);
  });
  return out;
}

std::string StoredEventAssignments(int first_param, bool merged) {
  std::string out;
  ForEachStored(
      [&](const EventColumnSpec& c, int i) {
        if (c.kind == ColumnKind::kKey) return;
        if (!out.empty()) out += ", ";
        out.append(c.sqlite).append(" = ?");
        out += std::to_string(first_param + i);
      },
      merged);
  return out;
}

void BindEventRow(sql::Statement& st, int first_param, const EventRow& row,
                  bool merged) {
  ForEachStored(
      [&](const EventColumnSpec& c, int i) {
        const EventColumnValue v = ValueOf(c, row);
        if (IsTextKind(c.kind)) {
          st.Bind(first_param + i, v.text);
        } else {
          st.Bind(first_param + i, v.number);
        }
      },
      merged);
}

void ReadEventRow(const sql::Statement& st, int first_column, EventRow& row) {
  ForEachStored([&](const EventColumnSpec& c, int i) {
    const int at = first_column + i;
    std::visit(Overloaded{
                   [&](std::string* v) { v->assign(st.TextView(at)); },
                   [&](int64_t* v) { *v = st.Int(at); },
                   [&](uint64_t* v) { *v = st.Uint(at); },
                   [&](bool* v) { *v = st.Int(at) != 0; },
               },
               c.field(row));
  });
}

}  // namespace cc
