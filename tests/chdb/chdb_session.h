// ChdbSession: the ClickHouse engine, embedded (chDB), for tests that must
// run real ClickHouse SQL. One per process (chDB allows one storage path);
// statements run one at a time.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

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

  // Runs `insert` ("INSERT INTO t [(cols)] [SETTINGS ...] FORMAT F") with
  // `data` as its input, byte for byte, as ClickHouse's HTTP interface
  // takes a body. (Data inline after the statement would lose a leading
  // whitespace byte, which binary formats may start with; the data goes
  // through a temp file and FROM INFILE instead.)
  Result<std::string> Insert(const std::string& insert, std::string_view data);

 private:
  explicit ChdbSession(void* conn) : conn_(conn) {}
  void* conn_;
  std::mutex mu_;
};

}  // namespace cc::test
