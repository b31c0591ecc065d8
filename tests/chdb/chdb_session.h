// ChdbSession: the ClickHouse engine, embedded (chDB), for tests that must
// run real ClickHouse SQL. One per process (chDB allows one storage path);
// statements run one at a time.
#pragma once

#include <mutex>
#include <string>

#include "core/result.h"

namespace cc::test {

class ChdbSession {
 public:
  // The process's session, opened on first use in a fresh temp directory
  // with a config that defines cluster `test_cluster` (one local shard), so
  // Distributed tables work. Null with a reason if chDB cannot start.
  static ChdbSession* Get(std::string* why_not);

  // Runs `sql` (one or more statements); the output in `format`. A
  // ClickHouse exception is an error holding its text ("Code: 60. ...").
  Result<std::string> Query(const std::string& sql,
                            const std::string& format = "TabSeparated");

 private:
  explicit ChdbSession(void* conn) : conn_(conn) {}
  void* conn_;
  std::mutex mu_;
};

}  // namespace cc::test
