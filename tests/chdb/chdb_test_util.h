// Helpers for tests that run real ClickHouse SQL in chDB.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "chdb/chdb_session.h"

namespace cc::test {

// The session, or a skip (a failure when CONTEXT_CLEANER_REQUIRE_CHDB is
// set, as in CI: there a missing engine must not pass unnoticed).
#define CC_CHDB_SESSION_OR_SKIP(var)                                           \
  std::string chdb_why_not_;                                                   \
  ::cc::test::ChdbSession* var = ::cc::test::ChdbSession::Get(&chdb_why_not_); \
  if (var == nullptr) {                                                        \
    if (std::getenv("CONTEXT_CLEANER_REQUIRE_CHDB")) {                         \
      FAIL() << "chDB required but unavailable: " << chdb_why_not_;            \
    }                                                                          \
    GTEST_SKIP() << "chDB unavailable: " << chdb_why_not_;                     \
  }

// What chDB can run of a cluster statement: it has no ZooKeeper and no
// distributed DDL, so ON CLUSTER is dropped and Replicated engines become
// their plain forms (Distributed tables run as they are, on a one-shard
// local cluster).
std::string ForChdb(std::string sql);

// The result of `sql` without its trailing newlines (a test failure, and
// "", if it fails).
std::string QueryValue(ChdbSession* ch, const std::string& sql);

}  // namespace cc::test
