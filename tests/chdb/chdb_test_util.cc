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
  return sql;
}

}  // namespace cc::test
