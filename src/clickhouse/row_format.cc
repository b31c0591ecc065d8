#include "clickhouse/row_format.h"

#include <cassert>
#include <cstring>
#include <iterator>

#include "core/civil_time.h"
#include "core/json_writer.h"
#include "clickhouse/schema.h"
#include "ledger/event_columns.h"

namespace cc {
namespace {

size_t VarUintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes into a buffer sized beforehand (StringSize and the fixed
// columns' bytes): one
// allocation a row at most, no capacity check a byte.
class RowBinaryWriter {
 public:
  explicit RowBinaryWriter(char* at) : p_(at) {}
  static size_t StringSize(std::string_view s) {
    return VarUintSize(s.size()) + s.size();
  }
  void String(std::string_view s) {
    uint64_t v = s.size();
    while (v >= 0x80) {
      *p_++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *p_++ = static_cast<char>(v);
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) *p_++ = static_cast<char>(v >> (8 * i));
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void U8(bool v) { *p_++ = v ? '\1' : '\0'; }
  const char* end() const { return p_; }

 private:
  char* p_;
};

}  // namespace

void AppendRowBinary(std::string& out, const EventRow& o,
                     std::string_view user) {
  // The values first, to size the row: strings are a length and the bytes,
  // flags one byte, every other column eight.
  EventColumnValue values[std::size(kEventColumns)];
  size_t size = 0;
  for (size_t i = 0; i < std::size(kEventColumns); ++i) {
    const EventColumnSpec& c = kEventColumns[i];
    if (c.clickhouse == nullptr) continue;
    values[i] = ValueOf(c, o, user);
    size += IsTextKind(c.kind) ? RowBinaryWriter::StringSize(values[i].text)
            : c.kind == ColumnKind::kFlag ? 1
                                          : 8;
  }
  const size_t at = out.size();
  out.resize(at + size);
  RowBinaryWriter w(out.data() + at);
  for (size_t i = 0; i < std::size(kEventColumns); ++i) {
    const EventColumnSpec& c = kEventColumns[i];
    if (c.clickhouse == nullptr) continue;
    if (IsTextKind(c.kind)) {
      w.String(values[i].text);
    } else if (c.kind == ColumnKind::kFlag) {
      w.U8(values[i].number != 0);
    } else {
      w.I64(values[i].number);
    }
  }
  assert(w.end() == out.data() + out.size());
}

void AppendOtelLogRow(std::string& out, const TelemetryRow& row) {
  JsonWriter w(/*pretty=*/false);
  w.BeginObject()
      .Field("Timestamp", ClickHouseDateTime64(row.event_ms))
      .Field("SeverityText", "INFO")
      .Field("SeverityNumber", uint64_t{9})
      .Field("ServiceName", "claude-code")
      .Field("Body", row.event)
      .Field("ScopeName", "com.anthropic.claude_code");
  w.Key("ResourceAttributes").BeginObject().Field("host.name", row.source).EndObject();
  w.Key("LogAttributes").BeginObject();
  w.Field("event.name", row.event.substr(row.event.find('.') + 1));
  for (const auto& [k, v] : row.attributes) w.Field(k, v);
  w.EndObject().EndObject();
  out += w.Finish();
}

std::string RowBinaryInsertSql(const std::string& database) {
  std::string sql = "INSERT INTO `";
  sql.append(database).append("`.events (");
  bool first = true;
  for (const std::string& column : ClickHouseEventColumns()) {
    sql.append(first ? "`" : ", `").append(column).append("`");
    first = false;
  }
  sql.append(") FORMAT RowBinary");
  return sql;
}

std::string ClickHouseDateTime64(int64_t utc_ms) {
  std::string iso = FormatIsoTimestampMs(utc_ms);  // 2025-09-03T10:00:00.123Z
  if (iso.size() >= 23) {
    iso[10] = ' ';
    iso.resize(23);
  }
  return iso;
}

void AppendJsonEachRow(std::string& out, const EventRow& o,
                       const std::string& user) {
  JsonWriter w(/*pretty=*/false);
  w.BeginObject();
  for (const EventColumnSpec& c : kEventColumns) {
    if (c.clickhouse == nullptr) continue;
    const EventColumnValue v = ValueOf(c, o, user);
    switch (c.kind) {
      case ColumnKind::kKey:
      case ColumnKind::kLabel:
      case ColumnKind::kText:
        w.Field(c.clickhouse, v.text);
        break;
      case ColumnKind::kFlag:
      case ColumnKind::kCount:
        w.Field(c.clickhouse, static_cast<uint64_t>(v.number));
        break;
      case ColumnKind::kNano:
      case ColumnKind::kSeq:
        w.Field(c.clickhouse, v.number);
        break;
      case ColumnKind::kTimeMs:
        w.Field(c.clickhouse, ClickHouseDateTime64(v.number));
        break;
    }
  }
  w.EndObject();
  out += w.Finish();  // Ends in "\n".
}

}  // namespace cc
