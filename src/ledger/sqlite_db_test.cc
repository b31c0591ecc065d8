#include "ledger/sqlite_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "test_util.h"

namespace cc::sql {
namespace {

// A child process changes `path` in a transaction big enough to spill to
// the file before commit, and dies (as by kill -9) before committing: the
// file holds half a transaction and a hot journal says how to undo it.
void DieMidTransaction(const std::string& path, const char* journal_mode) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    const std::string setup = std::string("PRAGMA journal_mode = ") +
                              journal_mode +
                              "; PRAGMA cache_size = 2; BEGIN; "
                              "UPDATE t SET v = v + 1;";
    sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr);
    _exit(0);  // No COMMIT, no close: the journal stays hot.
  }
  int status = 0;
  waitpid(pid, &status, 0);
}

class ReaderAfterACrashTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ReaderAfterACrashTest, AReaderRecoversWhatAKilledWriterLeft) {
  test::TempDir dir;
  const std::string path = dir.Join("x.db");
  {
    auto db = Database::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        (*db)->Exec(std::string("PRAGMA journal_mode = ") + GetParam()).ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t(v INTEGER, pad BLOB)").ok());
    ASSERT_TRUE((*db)
                    ->Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                           "SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t "
                           "SELECT 1, randomblob(500) FROM n")
                    .ok());
  }
  DieMidTransaction(path, GetParam());
  if (std::string(GetParam()) == "DELETE") {
    ASSERT_TRUE(std::filesystem::exists(path + "-journal"))
        << "the child left no hot journal: the test proves nothing";
  }
  auto reader = Database::Open(path, true);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  Result<int64_t> sum = (*reader)->QueryInt("SELECT SUM(v) FROM t");
  ASSERT_TRUE(sum.ok()) << sum.status().message();
  EXPECT_EQ(*sum, 2000);  // The uncommitted +1s are gone.
  // And it still cannot write.
  EXPECT_FALSE((*reader)->Exec("UPDATE t SET v = 5").ok());
}

INSTANTIATE_TEST_SUITE_P(JournalModes, ReaderAfterACrashTest,
                         ::testing::Values("DELETE", "WAL"));

TEST(Database, AReaderDoesNotCreateAMissingFile) {
  test::TempDir dir;
  EXPECT_FALSE(Database::Open(dir.Join("missing.db"), true).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.Join("missing.db")));
}

}  // namespace
}  // namespace cc::sql
