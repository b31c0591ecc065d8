#include "chdb/chdb_test_util.h"

#include <regex>

namespace cc::test {

std::string ForChdb(std::string sql) {
  sql = std::regex_replace(sql, std::regex(" ON CLUSTER `[^`]*`"), "");
  sql = std::regex_replace(
      sql, std::regex(R"(ReplicatedReplacingMergeTree\('[^']*', '[^']*', )"),
      "ReplacingMergeTree(");
  sql = std::regex_replace(
      sql, std::regex(R"(ReplicatedReplacingMergeTree\('[^']*', '[^']*'\))"),
      "ReplacingMergeTree");
  sql = std::regex_replace(
      sql, std::regex(R"(ReplicatedMergeTree\('[^']*', '[^']*'\))"),
      "MergeTree");
  return sql;
}

std::string QueryValue(ChdbSession* ch, const std::string& sql) {
  Result<std::string> r = ch->Query(sql);
  EXPECT_TRUE(r.ok()) << r.status().message() << "\nin: " << sql;
  std::string v = r.ok() ? *r : "";
  while (!v.empty() && v.back() == '\n') v.pop_back();
  return v;
}

}  // namespace cc::test
