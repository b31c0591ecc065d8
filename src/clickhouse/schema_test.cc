// The DDL as docs/storage.md shows it is the DDL the shipper runs (the
// engine itself runs it in tests/chdb/schema_chdb_test.cc).
#include "clickhouse/schema.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace cc {
namespace {

TEST(ClickHouseSchema, DocsShowTheStatementsTheCodeRuns) {
  const std::string doc = test::ReadFile(CC_SOURCE_DIR "/docs/storage.md");
  ClickHouseSchemaOptions o;
  o.database = "team";
  for (const std::string& sql : ClickHouseSchemaStatements(o)) {
    EXPECT_NE(doc.find(sql + ";"), std::string::npos)
        << "docs/storage.md lacks:\n" << sql;
  }
}

TEST(ClickHouseSchema, TheClusterVariantReplicatesAndDistributesByKey) {
  ClickHouseSchemaOptions o;
  o.database = "team";
  o.cluster = "prod";
  const std::vector<std::string> sql = ClickHouseSchemaStatements(o);
  for (const std::string& s : sql) {
    if (s.rfind("INSERT", 0) == 0) continue;
    EXPECT_NE(s.find(" ON CLUSTER `prod`"), std::string::npos) << s;
  }
  std::string all;
  for (const std::string& s : sql) all += s + "\n";
  EXPECT_NE(all.find("`team`.events_local ON CLUSTER `prod` ("),
            std::string::npos);
  EXPECT_NE(all.find("ReplicatedReplacingMergeTree("), std::string::npos);
  EXPECT_NE(all.find("Distributed(`prod`, `team`, events_local, "
                     "cityHash64(key))"),
            std::string::npos);
}

}  // namespace
}  // namespace cc
