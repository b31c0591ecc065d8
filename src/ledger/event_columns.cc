#include "ledger/event_columns.h"

#include "ledger/sqlite_db.h"

namespace cc {

EventColumnValue ValueOf(EventColumn column, const EventRowView& row,
                         std::string_view user) {
  const Event& e = row.event;
  const Attributes& a = e.attributes;
  const Tokens& t = e.tokens;
  auto count = [](uint64_t v) {
    return EventColumnValue{{}, static_cast<int64_t>(v)};
  };
  auto number = [](int64_t v) { return EventColumnValue{{}, v}; };
  auto text = [](std::string_view v) { return EventColumnValue{v, 0}; };
  switch (column) {
    case EventColumn::kKey:
      return text(e.key);
    case EventColumn::kSource:
      return text(row.source);
    case EventColumn::kUser:
      return text(user);
    case EventColumn::kTimestamp:
      return number(e.first.timestamp_ms);
    case EventColumn::kFile:
      return text(e.first.file);
    case EventColumn::kLineOffset:
      return count(e.first.offset);
    case EventColumn::kSessionId:
      return text(a.session_id);
    case EventColumn::kProject:
      return text(a.project);
    case EventColumn::kCwd:
      return text(a.cwd);
    case EventColumn::kGitBranch:
      return text(a.git_branch);
    case EventColumn::kVersion:
      return text(a.version);
    case EventColumn::kModel:
      return text(a.model);
    case EventColumn::kAgentId:
      return text(a.agent_id);
    case EventColumn::kIsSidechain:
      return number(a.is_sidechain ? 1 : 0);
    case EventColumn::kSpeed:
      return text(a.speed);
    case EventColumn::kInputTokens:
      return count(t.input);
    case EventColumn::kOutputTokens:
      return count(t.output);
    case EventColumn::kCacheCreationTokens:
      return count(t.cache_creation);
    case EventColumn::kCacheCreation5mTokens:
      return count(t.cache_creation_5m);
    case EventColumn::kCacheCreation1hTokens:
      return count(t.cache_creation_1h);
    case EventColumn::kCacheReadTokens:
      return count(t.cache_read);
    case EventColumn::kWebSearchRequests:
      return count(t.web_search_requests);
    case EventColumn::kWebFetchRequests:
      return count(t.web_fetch_requests);
    case EventColumn::kCostNano:
      return number(row.cost_nano);
    case EventColumn::kPriced:
      return number(row.priced ? 1 : 0);
    case EventColumn::kPriceVersion:
      return text(row.price_version);
    case EventColumn::kChangeSeq:
      return number(row.change_seq);
    case EventColumn::kFirstSeen:
      return number(row.first_seen_ms);
    case EventColumn::kLastSeen:
      return number(row.last_seen_ms);
    case EventColumn::kExact:
      return number(row.exact ? 1 : 0);
  }
  return EventColumnValue{};
}

namespace {

void Assign(EventColumn column, const sql::Statement& st, int i,
            EventRow& row) {
  Event& e = row.event;
  Attributes& a = e.attributes;
  Tokens& t = e.tokens;
  switch (column) {
    case EventColumn::kKey:
      e.key.assign(st.TextView(i));
      return;
    case EventColumn::kSource:
      row.source.assign(st.TextView(i));
      return;
    case EventColumn::kUser:
      return;
    case EventColumn::kTimestamp:
      e.first.timestamp_ms = st.Int(i);
      return;
    case EventColumn::kFile:
      e.first.file.assign(st.TextView(i));
      return;
    case EventColumn::kLineOffset:
      e.first.offset = st.Uint(i);
      return;
    case EventColumn::kSessionId:
      a.session_id.assign(st.TextView(i));
      return;
    case EventColumn::kProject:
      a.project.assign(st.TextView(i));
      return;
    case EventColumn::kCwd:
      a.cwd.assign(st.TextView(i));
      return;
    case EventColumn::kGitBranch:
      a.git_branch.assign(st.TextView(i));
      return;
    case EventColumn::kVersion:
      a.version.assign(st.TextView(i));
      return;
    case EventColumn::kModel:
      a.model.assign(st.TextView(i));
      return;
    case EventColumn::kAgentId:
      a.agent_id.assign(st.TextView(i));
      return;
    case EventColumn::kIsSidechain:
      a.is_sidechain = st.Int(i) != 0;
      return;
    case EventColumn::kSpeed:
      a.speed.assign(st.TextView(i));
      return;
    case EventColumn::kInputTokens:
      t.input = st.Uint(i);
      return;
    case EventColumn::kOutputTokens:
      t.output = st.Uint(i);
      return;
    case EventColumn::kCacheCreationTokens:
      t.cache_creation = st.Uint(i);
      return;
    case EventColumn::kCacheCreation5mTokens:
      t.cache_creation_5m = st.Uint(i);
      return;
    case EventColumn::kCacheCreation1hTokens:
      t.cache_creation_1h = st.Uint(i);
      return;
    case EventColumn::kCacheReadTokens:
      t.cache_read = st.Uint(i);
      return;
    case EventColumn::kWebSearchRequests:
      t.web_search_requests = st.Uint(i);
      return;
    case EventColumn::kWebFetchRequests:
      t.web_fetch_requests = st.Uint(i);
      return;
    case EventColumn::kCostNano:
      row.cost_nano = st.Int(i);
      return;
    case EventColumn::kPriced:
      row.priced = st.Int(i) != 0;
      return;
    case EventColumn::kPriceVersion:
      row.price_version.assign(st.TextView(i));
      return;
    case EventColumn::kChangeSeq:
      row.change_seq = st.Int(i);
      return;
    case EventColumn::kFirstSeen:
      row.first_seen_ms = st.Int(i);
      return;
    case EventColumn::kLastSeen:
      row.last_seen_ms = st.Int(i);
      return;
    case EventColumn::kExact:
      row.exact = st.Int(i) != 0;
      return;
  }
}

template <typename F>
void ForEachStored(F&& f) {
  int i = 0;
  for (const EventColumnSpec& c : kEventColumns) {
    if (c.sqlite != nullptr) f(c, i++);
  }
}

}  // namespace

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

std::string StoredEventAssignments(int first_param) {
  std::string out;
  ForEachStored([&](const EventColumnSpec& c, int i) {
    if (c.column == EventColumn::kKey) return;
    if (!out.empty()) out += ", ";
    out.append(c.sqlite).append(" = ?");
    out += std::to_string(first_param + i);
  });
  return out;
}

void BindEventRow(sql::Statement& st, int first_param,
                  const EventRowView& row) {
  ForEachStored([&](const EventColumnSpec& c, int i) {
    const EventColumnValue v = ValueOf(c.column, row);
    if (IsTextKind(c.kind)) {
      st.Bind(first_param + i, v.text);
    } else {
      st.Bind(first_param + i, v.number);
    }
  });
}

void ReadEventRow(const sql::Statement& st, int first_column, EventRow& row) {
  ForEachStored([&](const EventColumnSpec& c, int i) {
    Assign(c.column, st, first_column + i, row);
  });
}

}  // namespace cc
