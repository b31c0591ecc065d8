// Every DDL statement the shipper sends, run in the real ClickHouse engine
// (chDB), and the properties the design relies on: a replayed batch is
// dropped, a later version of an event replaces the earlier one.
#include <gtest/gtest.h>

#include "chdb/chdb_test_util.h"
#include "clickhouse/schema.h"

namespace cc {
namespace {

std::string Row(const std::string& key, uint64_t output, uint64_t seq,
                const char* ts = "2025-09-03 10:00:00.000") {
  return "{\"key\":\"" + key +
         "\",\"source\":\"host-a\",\"user\":\"u\","
         "\"timestamp\":\"" +
         ts +
         "\",\"session_id\":\"s\",\"project\":\"p\","
         "\"model\":\"claude-sonnet-4\",\"input_tokens\":1,\"output_tokens\":" +
         std::to_string(output) +
         ",\"cost_nano\":" + std::to_string(output * 15000) +
         ",\"priced\":1,\"change_seq\":" + std::to_string(seq) + "}\n";
}

void Exec(test::ChdbSession* ch, const std::string& sql) {
  Result<std::string> r = ch->Query(sql);
  ASSERT_TRUE(r.ok()) << r.status().message() << "\nin: " << sql;
}

void CheckReplaceAndDedup(test::ChdbSession* ch, const std::string& db,
                          const std::string& table) {
  const std::string insert = "INSERT INTO `" + db + "`." + table +
                             " SETTINGS insert_deduplication_token = ";
  // Batch 1: a partial (output 3), and event b.
  const std::string batch1 = Row("a", 3, 1) + Row("b", 10, 2);
  Exec(ch, insert + "'host-a-1-2' FORMAT JSONEachRow\n" + batch1);
  // The same batch again (a retry after a timeout): dropped.
  Exec(ch, insert + "'host-a-1-2' FORMAT JSONEachRow\n" + batch1);
  // Batch 2: the final snapshot of a (output 172), even at another time.
  Exec(ch, insert + "'host-a-3-3' FORMAT JSONEachRow\n" +
               Row("a", 172, 3, "2025-09-03 09:59:58.000"));
  EXPECT_EQ(test::QueryValue(ch, "SELECT count(), sum(output_tokens) FROM `" +
                                     db + "`.events FINAL"),
            "2\t182");
  EXPECT_EQ(test::QueryValue(ch, "SELECT sum(output_tokens) FROM `" + db +
                                     "`.token_usage_summary"),
            "182");
}

TEST(ClickHouseSchemaInChdb, SingleNodeDdlRunsAndReplacesRatherThanAdds) {
  CC_CHDB_SESSION_OR_SKIP(ch);
  ClickHouseSchemaOptions o;
  o.database = "cc_single";
  for (const std::string& sql : ClickHouseSchemaStatements(o)) Exec(ch, sql);
  // Idempotent: a second machine (or a restart) runs it again.
  for (const std::string& sql : ClickHouseSchemaStatements(o)) Exec(ch, sql);
  std::string columns = test::QueryValue(
      ch,
      "SELECT arrayStringConcat(groupArray(name), ',') FROM "
      "(SELECT name FROM system.columns WHERE database = 'cc_single' AND "
      "table = 'events' ORDER BY position)");
  std::string expected;
  for (const std::string& c : ClickHouseEventColumns()) {
    expected += (expected.empty() ? "" : ",") + c;
  }
  EXPECT_EQ(columns, expected);
  EXPECT_EQ(
      test::QueryValue(ch,
                       "SELECT engine FROM system.tables WHERE database = "
                       "'cc_single' AND name = 'events'"),
      "ReplacingMergeTree");
  EXPECT_EQ(test::QueryValue(
                ch, "SELECT max(version) FROM cc_single.schema_versions"),
            std::to_string(kClickHouseSchemaVersion));
  CheckReplaceAndDedup(ch, "cc_single", "events");
}

// A table created by schema version 2 (before inference_geo) gets the
// column, in its place, when a newer shipper runs the statements; its old
// rows read it empty.
TEST(ClickHouseSchemaInChdb, AnOlderTableGetsTheAddedColumns) {
  CC_CHDB_SESSION_OR_SKIP(ch);
  ClickHouseSchemaOptions o;
  o.database = "cc_upgrade";
  std::vector<std::string> statements = ClickHouseSchemaStatements(o);
  const std::string added = "  `inference_geo` LowCardinality(String),\n";
  for (const std::string& sql : statements) {
    if (sql.find("TABLE IF NOT EXISTS `cc_upgrade`.events (") ==
        std::string::npos) {
      if (sql.rfind("ALTER", 0) != 0) Exec(ch, sql);
      continue;
    }
    std::string v2 = sql;
    const size_t at = v2.find(added);
    ASSERT_NE(at, std::string::npos) << v2;
    v2.erase(at, added.size());
    Exec(ch, v2);
  }
  Exec(ch, "INSERT INTO `cc_upgrade`.events FORMAT JSONEachRow\n" +
               Row("old", 5, 1));
  for (const std::string& sql : statements) Exec(ch, sql);
  std::string expected;
  for (const std::string& c : ClickHouseEventColumns()) {
    expected += (expected.empty() ? "" : ",") + c;
  }
  EXPECT_EQ(test::QueryValue(
                ch,
                "SELECT arrayStringConcat(groupArray(name), ',') FROM "
                "(SELECT name FROM system.columns WHERE database = "
                "'cc_upgrade' AND table = 'events' ORDER BY position)"),
            expected);
  EXPECT_EQ(test::QueryValue(ch, "SELECT concat('[', inference_geo, ']'), "
                                 "output_tokens FROM `cc_upgrade`.events"),
            "[]\t5");
}

TEST(ClickHouseSchemaInChdb, ClusterDdlRunsAsFarAsTheEngineAllows) {
  CC_CHDB_SESSION_OR_SKIP(ch);
  ClickHouseSchemaOptions o;
  o.database = "cc_cluster";
  o.cluster = "test_cluster";
  std::vector<std::string> statements = ClickHouseSchemaStatements(o);
  bool saw_replicated = false, saw_distributed = false;
  for (const std::string& sql : statements) {
    if (sql.rfind("CREATE", 0) == 0) {
      EXPECT_NE(sql.find("ON CLUSTER `test_cluster`"), std::string::npos)
          << sql;
    }
    saw_replicated |=
        sql.find("ReplicatedReplacingMergeTree") != std::string::npos;
    saw_distributed |=
        sql.find("Distributed(`test_cluster`") != std::string::npos;
    Exec(ch, test::ForChdb(sql));
  }
  EXPECT_TRUE(saw_replicated);
  EXPECT_TRUE(saw_distributed);
  EXPECT_EQ(
      test::QueryValue(ch,
                       "SELECT engine FROM system.tables WHERE database = "
                       "'cc_cluster' AND name = 'events'"),
      "Distributed");
  // Inserts through the Distributed table land on the (one, local) shard.
  CheckReplaceAndDedup(ch, "cc_cluster", "events");
  // Telemetry too, through its Distributed table (sharded by content): a
  // retried batch under its token is dropped.
  const std::string logs =
      "INSERT INTO `cc_cluster`.otel_logs SETTINGS insert_deduplication_token"
      " = 'otel-1-2' FORMAT JSONEachRow\n"
      "{\"Timestamp\":\"2025-09-03 10:00:00.000\",\"Body\":"
      "\"claude_code.api_request\",\"ServiceName\":\"claude-code\","
      "\"LogAttributes\":{\"request_id\":\"req_1\"}}\n"
      "{\"Timestamp\":\"2025-09-03 10:00:01.000\",\"Body\":"
      "\"claude_code.api_request\",\"ServiceName\":\"claude-code\","
      "\"LogAttributes\":{\"request_id\":\"req_2\"}}\n";
  Exec(ch, logs);
  Exec(ch, logs);
  EXPECT_EQ(test::QueryValue(ch, "SELECT count() FROM `cc_cluster`.otel_logs"),
            "2");
}

}  // namespace
}  // namespace cc
