// RepairLedger against real damage: bytes of the events' key index
// changed in the file, as a failing disk or a stray write would.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "ledger/ledger_repair.h"
#include "ledger/ledger_writer.h"
#include "test_util.h"

namespace cc {
namespace {

constexpr int kEvents = 300;

std::string KeyOf(int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "msg_%04d:req_%04d", i, i);
  return buf;
}

Event MakeEvent(int i, uint64_t output, int64_t ts) {
  Event e;
  e.key = KeyOf(i);
  e.tokens.input = 1;
  e.tokens.output = output;
  e.attributes.model = "claude-sonnet-4-20250514";
  e.attributes.session_id = "s" + std::to_string(i % 7);
  e.first = Provenance{ts, "/f" + std::to_string(i) + ".jsonl", 0};
  return e;
}

int64_t TimeOf(int i) { return 1'750'000'000'000 + int64_t{i} * 60'000; }

// kEvents events, output i + 1 each; the writer closed (WAL checkpointed).
void MakeLedger(const std::string& path) {
  Result<std::unique_ptr<LedgerWriter>> l = LedgerWriter::Open(path, "test");
  ASSERT_TRUE(l.ok()) << l.status().message();
  Batch b;
  for (int i = 0; i < kEvents; ++i) {
    b.events.push_back(MakeEvent(i, static_cast<uint64_t>(i + 1), TimeOf(i)));
  }
  ASSERT_TRUE((*l)->Commit(b, "host", 5).ok());
}

int64_t QueryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  int64_t value = -1;
  if (sqlite3_step(st) == SQLITE_ROW) value = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return value;
}

// Changes one character of `key` where the key index (not the table)
// holds it, so a lookup of the key no longer finds its row.
void DamageKeyInIndex(const std::string& path, const std::string& key) {
  const int64_t page_size = QueryInt(path, "PRAGMA page_size");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT pageno FROM dbstat WHERE name = "
                               "'sqlite_autoindex_events_1'",
                               -1, &st, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  std::vector<int64_t> pages;
  while (sqlite3_step(st) == SQLITE_ROW) pages.push_back(sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  ASSERT_FALSE(pages.empty());
  std::string file = test::ReadFile(path);
  bool changed = false;
  for (int64_t page : pages) {
    const size_t start = static_cast<size_t>((page - 1) * page_size);
    const size_t at = file.find(key, start);
    if (at == std::string::npos || at >= start + static_cast<size_t>(page_size)) {
      continue;
    }
    file[at + key.size() - 2] = 'Z';
    changed = true;
    break;
  }
  ASSERT_TRUE(changed) << key << " not found in the index's pages";
  test::WriteFile(path, file);
}

TEST(LedgerRepair, ADamagedIndexIsFoundAndADoubledEventMergedBack) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  MakeLedger(path);
  DamageKeyInIndex(path, KeyOf(50));
  {
    // A later commit of the event no longer finds it, and stores it again:
    // larger output, and a record earlier than the stored one.
    Result<std::unique_ptr<LedgerWriter>> l = LedgerWriter::Open(path, "test");
    ASSERT_TRUE(l.ok()) << l.status().message();
    Batch b;
    Event again = MakeEvent(50, 999, TimeOf(50) - 1000);
    again.attributes.session_id = "earliest";
    b.events = {again};
    Result<CommitStats> stats = (*l)->Commit(b, "host", 6);
    ASSERT_TRUE(stats.ok()) << stats.status().message();
    EXPECT_EQ(stats->events_new, 1u);  // The damage at work.
    Result<std::vector<std::string>> damage = (*l)->reader().CheckIntegrity(false, 5);
    ASSERT_TRUE(damage.ok()) << damage.status().message();
    EXPECT_FALSE(damage->empty());
  }
  ASSERT_EQ(QueryInt(path, "SELECT COUNT(*) FROM events NOT INDEXED"),
            kEvents + 1);

  Result<RepairReport> r = RepairLedger(path, "test");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->problems_before.empty());
  EXPECT_TRUE(r->problems_after.empty()) << r->problems_after.front();
  EXPECT_TRUE(r->unsaved.empty());
  EXPECT_EQ(r->keys_doubled, 1u);
  EXPECT_EQ(r->rows_merged, 1u);
  EXPECT_EQ(r->events, static_cast<uint64_t>(kEvents));

  Result<std::unique_ptr<LedgerReader>> reader = LedgerReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  Result<std::vector<std::string>> damage = (*reader)->CheckIntegrity(false, 5);
  ASSERT_TRUE(damage.ok());
  EXPECT_TRUE(damage->empty());
  // Output: 1 + 2 + ... + 300, with event 50's 51 raised to 999.
  const uint64_t expected_output = kEvents * (kEvents + 1) / 2 - 51 + 999;
  Result<LedgerSummary> summary = (*reader)->Summary();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->events, static_cast<uint64_t>(kEvents));
  EXPECT_EQ(summary->tokens.output, expected_output);
  // The rollup agrees with the events.
  Result<UsageData> usage = (*reader)->Usage(UsageFilter{});
  ASSERT_TRUE(usage.ok());
  uint64_t events = 0, output = 0;
  for (const UsageRow& row : usage->rows) {
    events += row.events;
    output += row.tokens.output;
  }
  EXPECT_EQ(events, static_cast<uint64_t>(kEvents));
  EXPECT_EQ(output, expected_output);
  // The merged row: the earliest record's attributes, a new change number.
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM events WHERE key = '" +
                               KeyOf(50) + "' AND session_id = 'earliest'"),
            1);
  EXPECT_EQ(QueryInt(path, "SELECT key = '" + KeyOf(50) +
                               "' FROM events ORDER BY change_seq DESC LIMIT 1"),
            1);
}

TEST(LedgerRepair, ASoundLedgerIsRebuiltUnchanged) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  MakeLedger(path);
  const int64_t ledger_id_rows =
      QueryInt(path, "SELECT COUNT(*) FROM meta WHERE key = 'ledger_id'");
  Result<RepairReport> r = RepairLedger(path, "test");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->problems_before.empty());
  EXPECT_TRUE(r->problems_after.empty());
  EXPECT_EQ(r->keys_doubled, 0u);
  EXPECT_EQ(r->events, static_cast<uint64_t>(kEvents));
  EXPECT_EQ(QueryInt(path, "SELECT COUNT(*) FROM meta WHERE key = 'ledger_id'"),
            ledger_id_rows);
  EXPECT_EQ(QueryInt(path, "SELECT SUM(output_tokens) FROM events"),
            kEvents * (kEvents + 1) / 2);
  EXPECT_FALSE(std::filesystem::exists(path + ".repair"));
}

TEST(LedgerRepair, NeedsTheWriterLock) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  MakeLedger(path);
  Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(path, "monitor");
  ASSERT_TRUE(writer.ok());
  Result<RepairReport> r = RepairLedger(path, "test");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kBusy);
}

}  // namespace
}  // namespace cc
