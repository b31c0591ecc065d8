#include "validate/validator.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "ledger/ledger_writer.h"
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
    auto ledger = LedgerWriter::Open(ledger_path_, "test");
    ASSERT_TRUE(ledger.ok());
    SyncOptions options;
    options.roots = {root_};
    options.source = "h";
    SystemClock clock;
    ASSERT_TRUE(Syncer(ledger->get(), clock).Run(options, nullptr).ok());
  }

  ValidationReport Validate(const PriceTable* prices = nullptr) {
    auto ledger = LedgerReader::Open(ledger_path_);
    EXPECT_TRUE(ledger.ok());
    Result<ValidationReport> r = cc::Validate(**ledger, {root_}, 2, prices);
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

TEST_F(ValidatorTest, ComparesStoredCostsWithFreshPrices) {
  // Sonnet 4: 1 input, 9 output, 3 cache write, 4 cache read tokens
  // = 3 + 135 + 11.25 + 1.2 micro-dollars = 150,450 nano-dollars.
  test::WriteFile(root_ + "/projects/p/a.jsonl", Line("m1", 3) + Line("m1", 9));
  Sync();
  ValidationReport r = Validate(&PriceTable::Embedded());
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.costs_not_compared.empty()) << r.costs_not_compared;
  ASSERT_EQ(r.days.size(), 1u);
  EXPECT_TRUE(r.days[0].costs_compared);
  EXPECT_EQ(r.days[0].files_cost_nano, 150'450);
  EXPECT_EQ(r.days[0].ledger_cost_nano, 150'450);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(ledger_path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE events SET cost_nano = cost_nano + 1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  r = Validate(&PriceTable::Embedded());
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.sample_differences.empty());
  EXPECT_NE(r.sample_differences[0].find("stored cost"), std::string::npos);

  // Costs from another table are not compared (and say why).
  Result<PriceTable> other = PriceTable::Parse(
      R"({"format": "context-cleaner-prices/1", "version": "other",
          "models": []})",
      "other");
  ASSERT_TRUE(other.ok());
  r = Validate(&*other);
  EXPECT_TRUE(r.ok());
  EXPECT_NE(r.costs_not_compared.find("reprice"), std::string::npos);
}

}  // namespace
}  // namespace cc
