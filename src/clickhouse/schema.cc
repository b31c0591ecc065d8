#include "clickhouse/schema.h"

#include <string_view>

#include "ledger/event_columns.h"

namespace cc {
namespace {

// LowCardinality where values repeat (a few dozen models, projects,
// branches); Delta+ZSTD on times; ZSTD on long strings.
const char* TypeOf(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kKey:
      return "String";
    case ColumnKind::kLabel:
      return "LowCardinality(String)";
    case ColumnKind::kText:
      return "String CODEC(ZSTD(1))";
    case ColumnKind::kFlag:
      return "UInt8";
    case ColumnKind::kCount:
      return "UInt64";
    case ColumnKind::kNano:
      return "Int64";
    case ColumnKind::kSeq:
      return "UInt64";
    case ColumnKind::kTimeMs:
      return "DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1))";
  }
  return "";
}

std::string ColumnList() {
  std::string out;
  for (const EventColumnSpec& c : kEventColumns) {
    if (c.clickhouse == nullptr) continue;
    if (!out.empty()) out += ",\n";
    out.append("  `").append(c.clickhouse).append("` ").append(TypeOf(c.kind));
  }
  return out;
}

// Columns added after schema version 2's table, for tables created before
// them: ALTER ... ADD COLUMN IF NOT EXISTS, each after its predecessor in
// kEventColumns, so an old table ends with the columns a new one has, in
// the same order.
constexpr const char* kAddedColumns[] = {"inference_geo"};

std::vector<std::string> AddColumnStatements(const std::string& table,
                                             const std::string& on) {
  std::vector<std::string> out;
  for (const char* added : kAddedColumns) {
    const char* previous = nullptr;
    for (const EventColumnSpec& c : kEventColumns) {
      if (c.clickhouse == nullptr) continue;
      if (std::string_view(c.clickhouse) == added) {
        out.push_back("ALTER TABLE " + table + on +
                      " ADD COLUMN IF NOT EXISTS `" + c.clickhouse + "` " +
                      TypeOf(c.kind) + " AFTER `" + previous + "`");
        break;
      }
      previous = c.clickhouse;
    }
  }
  return out;
}

std::string OnCluster(const ClickHouseSchemaOptions& o) {
  return o.cluster ? " ON CLUSTER `" + *o.cluster + "`" : "";
}

}  // namespace

const std::vector<std::string>& ClickHouseEventColumns() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const EventColumnSpec& c : kEventColumns) {
      if (c.clickhouse != nullptr) n.emplace_back(c.clickhouse);
    }
    return n;
  }();
  return names;
}

std::vector<std::string> ClickHouseSchemaStatements(
    const ClickHouseSchemaOptions& o) {
  const std::string db = "`" + o.database + "`";
  const std::string on = OnCluster(o);
  const std::string table = o.cluster ? "events_local" : "events";
  const std::string engine =
      o.cluster ? "ReplicatedReplacingMergeTree("
                  "'/clickhouse/tables/{shard}/{database}/events_local', "
                  "'{replica}', change_seq)"
                : "ReplacingMergeTree(change_seq)";
  std::vector<std::string> out;
  out.push_back("CREATE DATABASE IF NOT EXISTS " + db + on);
  out.push_back(
      "CREATE TABLE IF NOT EXISTS " + db + "." + table + on + " (\n" +
      ColumnList() +
      ",\n  INDEX timestamp_range `timestamp` TYPE minmax GRANULARITY 4"
      "\n) ENGINE = " +
      engine +
      "\nORDER BY key"
      // Batches are retried with the same token: remember enough
      // recent ones to drop the replays (replicated tables do by
      // default; plain MergeTree needs the window).
      "\nSETTINGS non_replicated_deduplication_window = 1000");
  for (std::string& add : AddColumnStatements(db + "." + table, on)) {
    out.push_back(std::move(add));
  }
  if (o.cluster) {
    out.push_back("CREATE TABLE IF NOT EXISTS " + db + ".events" + on + " AS " +
                  db + ".events_local ENGINE = Distributed(`" + *o.cluster +
                  "`, " + db +
                  ", events_local, "
                  "cityHash64(key))");
    for (std::string& add : AddColumnStatements(db + ".events", on)) {
      out.push_back(std::move(add));
    }
  }
  // Claude Code's telemetry as received (api_request, api_error), in the
  // layout of the OpenTelemetry Collector's ClickHouse exporter (otel_logs)
  // so that queries and dashboards written for it work. Append-only; a
  // replayed batch is dropped by its token.
  const std::string logs_table = o.cluster ? "otel_logs_local" : "otel_logs";
  out.push_back(
      "CREATE TABLE IF NOT EXISTS " + db + "." + logs_table + on +
      " (\n"
      "  `Timestamp` DateTime64(9) CODEC(Delta, ZSTD(1)),\n"
      "  `TraceId` String CODEC(ZSTD(1)),\n"
      "  `SpanId` String CODEC(ZSTD(1)),\n"
      "  `TraceFlags` UInt8,\n"
      "  `SeverityText` LowCardinality(String),\n"
      "  `SeverityNumber` UInt8,\n"
      "  `ServiceName` LowCardinality(String),\n"
      "  `Body` String CODEC(ZSTD(1)),\n"
      "  `ResourceAttributes` Map(LowCardinality(String), String) CODEC(ZSTD(1)),\n"
      "  `ScopeName` String CODEC(ZSTD(1)),\n"
      "  `LogAttributes` Map(LowCardinality(String), String) CODEC(ZSTD(1))\n"
      ") ENGINE = " +
      (o.cluster ? std::string("ReplicatedMergeTree('/clickhouse/tables/{shard}/"
                               "{database}/otel_logs_local', '{replica}')")
                 : std::string("MergeTree")) +
      "\nPARTITION BY toDate(Timestamp)\nORDER BY (ServiceName, Timestamp)"
      "\nSETTINGS non_replicated_deduplication_window = 1000");
  if (o.cluster) {
    // Sharded by the row's content, not rand(): a retried batch splits
    // across the shards exactly as the first try did, so each shard's part
    // repeats under the same deduplication token and is dropped there.
    out.push_back("CREATE TABLE IF NOT EXISTS " + db + ".otel_logs" + on +
                  " AS " + db + ".otel_logs_local ENGINE = Distributed(`" +
                  *o.cluster + "`, " + db +
                  ", otel_logs_local, cityHash64(Timestamp, Body, "
                  "toString(LogAttributes)))");
  }
  // The seed's shape, for dashboards written against it.
  out.push_back("CREATE VIEW IF NOT EXISTS " + db + ".token_usage_summary" +
                on +
                " AS SELECT toDate(`timestamp`) AS date, source AS "
                "service_name, sum(input_tokens) AS input_tokens, "
                "sum(output_tokens) AS output_tokens, "
                "sum(cache_creation_tokens) AS cache_creation_tokens, "
                "sum(cache_read_tokens) AS cache_read_tokens, "
                "sum(cost_nano) / 1e9 AS cost_usd FROM " +
                db + ".events FINAL GROUP BY date, service_name");
  out.push_back("CREATE TABLE IF NOT EXISTS " + db + ".schema_versions" + on +
                " (version UInt32, applied DateTime DEFAULT now()) ENGINE = " +
                (o.cluster ? std::string("ReplicatedReplacingMergeTree("
                                         "'/clickhouse/tables/{shard}/"
                                         "{database}/schema_versions', "
                                         "'{replica}')")
                           : std::string("ReplacingMergeTree")) +
                " ORDER BY version");
  out.push_back("INSERT INTO " + db + ".schema_versions (version) VALUES (" +
                std::to_string(kClickHouseSchemaVersion) + ")");
  return out;
}

}  // namespace cc
