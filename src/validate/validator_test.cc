#include "validate/validator.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "ledger/ledger.h"
#include "sync/syncer.h"
#include "test_util.h"

namespace cc {
namespace {

class ValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.Join("claude");
    ledger_path_ = dir_.Join("ledger.db");
  }

  void Sync() {
    auto ledger = Ledger::OpenForWrite(ledger_path_, "test");
    ASSERT_TRUE(ledger.ok());
    SyncOptions options;
    options.roots = {root_};
    options.source = "h";
    SystemClock clock;
    ASSERT_TRUE(Syncer(ledger->get(), clock).Run(options, nullptr).ok());
  }

  ValidationReport Validate() {
    auto ledger = Ledger::OpenForRead(ledger_path_);
    EXPECT_TRUE(ledger.ok());
    Result<ValidationReport> r = cc::Validate(**ledger, {root_}, 2);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : ValidationReport();
  }

  std::string Line(const std::string& id, uint64_t output) {
    test::LineSpec spec;
    spec.message_id = id;
    spec.request_id = "r" + id;
    spec.output = output;
    return test::AssistantLine(spec) + "\n";
  }

  test::TempDir dir_;
  std::string root_;
  std::string ledger_path_;
};

TEST_F(ValidatorTest, AgreesWithAFreshSync) {
  test::WriteFile(root_ + "/projects/p/a.jsonl", Line("m1", 3) + Line("m1", 9));
  Sync();
  ValidationReport r = Validate();
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.days.size(), 1u);
  EXPECT_EQ(r.days[0].files.output, 9u);
  EXPECT_EQ(r.events_in_files, 1u);
}

TEST_F(ValidatorTest, SeesALedgerThatDisagreesWithTheFiles) {
  test::WriteFile(root_ + "/projects/p/a.jsonl", Line("m1", 9));
  Sync();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(ledger_path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE events SET output_tokens = 10", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ValidationReport r = Validate();
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.days.size(), 1u);
  EXPECT_EQ(r.days[0].ledger.output, 10u);
  EXPECT_EQ(r.days[0].files.output, 9u);
  ASSERT_FALSE(r.sample_differences.empty());
}

TEST_F(ValidatorTest, SeesFileLinesTheLedgerLacks) {
  test::WriteFile(root_ + "/projects/p/a.jsonl", Line("m1", 9));
  Sync();
  // Appended after the sync: present in the files, not yet in the ledger.
  test::AppendFile(root_ + "/projects/p/a.jsonl", Line("m2", 1));
  ValidationReport r = Validate();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.events_missing_from_ledger, 1u);
}

TEST_F(ValidatorTest, EventsOfDeletedFilesAreReportedApart) {
  test::WriteFile(root_ + "/projects/p/a.jsonl", Line("m1", 9));
  test::WriteFile(root_ + "/projects/p/b.jsonl", Line("m2", 4));
  Sync();
  std::filesystem::remove(root_ + "/projects/p/a.jsonl");
  Sync();
  ValidationReport r = Validate();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.events_from_gone_files, 1u);
  EXPECT_EQ(r.gone_tokens.output, 9u);
}

TEST_F(ValidatorTest, ASurvivingPartialCopyOfADeletedFileIsNotAMismatch) {
  // The final line in a subagent file; a partial echo in the parent.
  test::WriteFile(root_ + "/projects/p/s/subagents/agent-1.jsonl",
                  Line("m1", 500));
  test::WriteFile(root_ + "/projects/p/s.jsonl", Line("m1", 3));
  Sync();
  std::filesystem::remove(root_ + "/projects/p/s/subagents/agent-1.jsonl");
  Sync();
  ValidationReport r = Validate();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.events_from_gone_files, 1u);
  EXPECT_EQ(r.gone_tokens.output, 500u);
}

}  // namespace
}  // namespace cc
