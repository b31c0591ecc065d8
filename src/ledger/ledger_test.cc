#include "ledger/ledger_writer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "ledger/schema.h"
#include "ledger/sqlite_db.h"
#include "test_util.h"

namespace cc {
namespace {

Event MakeEvent(const std::string& key, uint64_t output, int64_t ts,
                const std::string& model = "m") {
  Event e;
  e.key = key;
  e.tokens.input = 1;
  e.tokens.output = output;
  e.attributes.model = model;
  e.first = Provenance{ts, "/f.jsonl", 0};
  return e;
}

Checkpoint MakeCheckpoint(const std::string& path, uint64_t offset) {
  Checkpoint c;
  c.path = path;
  c.root = "/root";
  c.project = "p";
  c.identity = FileIdentity{1, 2, offset, 3};
  c.offset = offset;
  c.lines = 4;
  return c;
}

std::unique_ptr<LedgerWriter> OpenWrite(const std::string& path) {
  Result<std::unique_ptr<LedgerWriter>> l = LedgerWriter::Open(path, "pid 1 (test)");
  EXPECT_TRUE(l.ok()) << l.status().message();
  return l.ok() ? std::move(*l) : nullptr;
}

void ExecSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST(Ledger, EventsAndCheckpointCommitTogether) {
  test::TempDir dir;
  std::string path = dir.Join("sub/ledger.db");  // Parent is created.
  {
    auto ledger = OpenWrite(path);
    Batch b;
    b.events = {MakeEvent("a", 10, 1000), MakeEvent("b", 20, 2000)};
    b.checkpoints = {MakeCheckpoint("/t.jsonl", 77)};
    Result<CommitStats> s = ledger->Commit(b, "host", 5);
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(s->events_new, 2u);
  }
  auto reader = LedgerReader::Open(path);
  ASSERT_TRUE(reader.ok());
  CheckpointMap checkpoints;
  ASSERT_TRUE((*reader)->LoadCheckpoints(&checkpoints).ok());
  ASSERT_EQ(checkpoints.count("/t.jsonl"), 1u);
  EXPECT_EQ(checkpoints.at("/t.jsonl").offset, 77u);
  auto summary = (*reader)->Summary();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->events, 2u);
  EXPECT_EQ(summary->tokens.output, 30u);
}

// The file's end travels with the checkpoint and with the event's first
// record, and a same-line merge that raises it is written back.
TEST(Ledger, FileEndsAndTheInferenceGeoAreKept) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  {
    auto ledger = OpenWrite(path);
    Batch b;
    Event e = MakeEvent("a", 10, 1000);
    e.first.file_end_ms = 4000;
    e.attributes.inference_geo = "us";
    b.events = {e};
    Checkpoint c = MakeCheckpoint("/t.jsonl", 77);
    c.end_ms = 4000;
    b.checkpoints = {c};
    ASSERT_TRUE(ledger->Commit(b, "host", 5).ok());
    Batch again;
    e.first.file_end_ms = 6000;  // The same line, its file grown.
    again.events = {e};
    ASSERT_TRUE(ledger->Commit(again, "host", 6).ok());
  }
  auto reader = LedgerReader::Open(path);
  ASSERT_TRUE(reader.ok());
  CheckpointMap checkpoints;
  ASSERT_TRUE((*reader)->LoadCheckpoints(&checkpoints).ok());
  EXPECT_EQ(checkpoints.at("/t.jsonl").end_ms, 4000);
  auto db = sql::Database::Open(path, true);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("SELECT file_end_ms FROM events WHERE key = 'a'"),
            6000);
  EXPECT_EQ(*(*db)->QueryInt(
                "SELECT COUNT(*) FROM events WHERE inference_geo = 'us'"),
            1);
}

// docs/design.md's corner: resumed session B's file (its path first) was
// read while it held only a copy of A's request, so it tied with A and kept
// it. Once B's checkpoint says B grew, A's record read again wins.
TEST(Ledger, AStoredCopyYieldsOnceItsFileIsKnownToHaveGrown) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  auto ledger = OpenWrite(path);
  ASSERT_NE(ledger, nullptr);
  auto record = [](const char* file, const char* session) {
    Event e = MakeEvent("msg:req", 10, 1000);
    e.first = Provenance{1000, file, 0, 5000};
    e.attributes.session_id = session;
    return e;
  };
  auto session = [&]() -> std::string {
    auto db = sql::Database::Open(path, true);
    Result<int64_t> s = (*db)->QueryInt(
        "SELECT unicode(session_id) FROM events WHERE key = 'msg:req'");
    return s.ok() ? std::string(1, static_cast<char>(*s)) : "?";
  };
  Batch copy;
  copy.events = {record("/p/0b.jsonl", "B")};
  ASSERT_TRUE(ledger->Commit(copy, "h", 1).ok());
  Batch tie;  // A ended when B's copy was read: the path decides.
  tie.events = {record("/p/fa.jsonl", "A")};
  ASSERT_TRUE(ledger->Commit(tie, "h", 2).ok());
  EXPECT_EQ(session(), "B");
  Batch grown;  // B's checkpoint after B's own turns (a backfill's batch).
  Checkpoint b = MakeCheckpoint("/p/0b.jsonl", 100);
  b.end_ms = 9000;
  grown.checkpoints = {b};
  grown.events = {record("/p/fa.jsonl", "A")};
  ASSERT_TRUE(ledger->Commit(grown, "h", 3).ok());
  EXPECT_EQ(session(), "A");
}

TEST(Ledger, AFailedCommitLeavesNothingBehind) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  { OpenWrite(path); }
  // Make the checkpoint write fail after the events were written.
  ExecSql(path,
          "CREATE TRIGGER no_files BEFORE INSERT ON files BEGIN "
          "SELECT RAISE(ABORT, 'disk on fire'); END;");
  auto ledger = OpenWrite(path);
  Batch b;
  b.events = {MakeEvent("a", 10, 1000)};
  b.checkpoints = {MakeCheckpoint("/t.jsonl", 77)};
  Result<CommitStats> s = ledger->Commit(b, "host", 5);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("disk on fire"), std::string::npos);
  auto summary = ledger->reader().Summary();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->events, 0u);  // The event rolled back with it.
}

TEST(Ledger, MergesWithWhatIsStored) {
  test::TempDir dir;
  auto ledger = OpenWrite(dir.Join("ledger.db"));
  Batch b;
  b.events = {MakeEvent("a", 3, 2000, "late")};
  ASSERT_TRUE(ledger->Commit(b, "h", 1).ok());
  b.events = {MakeEvent("a", 172, 3000, "later")};
  Result<CommitStats> grew = ledger->Commit(b, "h", 2);
  ASSERT_TRUE(grew.ok());
  EXPECT_EQ(grew->events_updated, 1u);
  EXPECT_EQ(grew->events_new, 0u);
  Result<CommitStats> same = ledger->Commit(b, "h", 3);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->events_updated, 0u);  // Nothing grew: no write.
  b.events = {MakeEvent("a", 1, 1000, "early")};
  ASSERT_TRUE(ledger->Commit(b, "h", 4).ok());
  auto events = ledger->reader().AllEvents();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].tokens.output, 172u);
  auto rows = ledger->reader().DailyTotals(std::nullopt, std::nullopt);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].tokens.output, 172u);
}

TEST(Ledger, SecondWriterIsRefusedNamingTheHolder) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  auto first = OpenWrite(path);
  Result<std::unique_ptr<LedgerWriter>> second =
      LedgerWriter::Open(path, "pid 2 (other)");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kBusy);
  EXPECT_NE(second.status().message().find("pid 1 (test)"), std::string::npos)
      << second.status().message();
  first.reset();
  EXPECT_TRUE(LedgerWriter::Open(path, "pid 2 (other)").ok());
}

TEST(Ledger, RefusesALedgerFromANewerProgram) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  { OpenWrite(path); }
  ExecSql(path, "PRAGMA user_version = 99");
  Result<std::unique_ptr<LedgerWriter>> w = LedgerWriter::Open(path, "t");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), Status::Code::kNotSupported);
  EXPECT_NE(w.status().message().find("99"), std::string::npos);
  EXPECT_FALSE(LedgerReader::Open(path).ok());
}

TEST(Ledger, MigratesAVersion1Ledger) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  {
    auto db = sql::Database::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(ApplyMigrations(**db, 0, 1).ok());
  }
  ExecSql(path,
          "INSERT INTO events VALUES('old', 1, 2, 3, 3, 0, 4, 0, 0, 1000, "
          "'/f', 0, 's', 'p', '/c', 'b', 'v', 'm', '', 0, 'h', 1, 1)");
  auto ledger = OpenWrite(path);
  ASSERT_NE(ledger, nullptr);
  auto events = ledger->reader().AllEvents();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].tokens.output, 2u);
  Batch b;
  b.events = {MakeEvent("new", 5, 2000)};
  ASSERT_TRUE(ledger->Commit(b, "h", 1).ok());
  auto version = sql::Database::Open(path, true);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*(*version)->QueryInt("PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(*(*version)->QueryInt("SELECT COUNT(DISTINCT change_seq) FROM events"),
            2);
}

// Version 10 gives rows from before a file end: the latest event whose
// earliest line is in the file (and the file's checkpoint the same), so
// that a resumed session read later finds the original's end.
TEST(Ledger, AVersion9LedgerGetsFileEndsFromItsEvents) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  {
    auto db = sql::Database::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(ApplyMigrations(**db, 0, 9).ok());
  }
  const std::string insert =
      "INSERT INTO events(key, input_tokens, output_tokens, "
      "cache_creation_tokens, cache_creation_5m_tokens, "
      "cache_creation_1h_tokens, cache_read_tokens, web_search_requests, "
      "web_fetch_requests, timestamp_ms, file, line_offset, session_id, "
      "project, cwd, git_branch, version, model, agent_id, is_sidechain, "
      "source, first_seen_ms, last_seen_ms) VALUES";
  ExecSql(path, insert +
                    "('a1', 1, 1, 0, 0, 0, 0, 0, 0, 1000, '/a', 0, 'A', 'p', "
                    "'', '', '', 'm', '', 0, 'h', 1, 1),"
                    "('a2', 1, 1, 0, 0, 0, 0, 0, 0, 5000, '/a', 9, 'A', 'p', "
                    "'', '', '', 'm', '', 0, 'h', 1, 1),"
                    "('b1', 1, 1, 0, 0, 0, 0, 0, 0, 9000, '/b', 0, 'B', 'p', "
                    "'', '', '', 'm', '', 0, 'h', 1, 1)");
  ExecSql(path,
          "INSERT INTO files(path, root, project, device, inode, size, "
          "mtime_ns, offset, head_length, head_hash, tail_length, tail_hash, "
          "state, first_seen_ms, last_read_ms) VALUES"
          "('/a', '/r', 'p', 1, 1, 10, 0, 10, 0, 0, 0, 0, 'active', 1, 1),"
          "('/c', '/r', 'p', 1, 2, 10, 0, 10, 0, 0, 0, 0, 'active', 1, 1)");
  { ASSERT_NE(OpenWrite(path), nullptr); }
  auto db = sql::Database::Open(path, true);
  ASSERT_TRUE(db.ok());
  auto end_of = [&](const std::string& q) { return *(*db)->QueryInt(q); };
  EXPECT_EQ(end_of("SELECT file_end_ms FROM events WHERE key = 'a1'"), 5000);
  EXPECT_EQ(end_of("SELECT file_end_ms FROM events WHERE key = 'a2'"), 5000);
  EXPECT_EQ(end_of("SELECT file_end_ms FROM events WHERE key = 'b1'"), 9000);
  EXPECT_EQ(end_of("SELECT end_ms FROM files WHERE path = '/a'"), 5000);
  EXPECT_EQ(end_of("SELECT end_ms FROM files WHERE path = '/c'"), 0);
  EXPECT_EQ(end_of("SELECT COUNT(*) FROM events WHERE inference_geo = ''"), 3);
}

TEST(Ledger, AVersion5BatchKeepsItsRangeAndTokenWithoutItsPayload) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  {
    auto db = sql::Database::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(ApplyMigrations(**db, 0, 5).ok());
  }
  ExecSql(path,
          "INSERT INTO ship_batches(first_seq, last_seq, rows, token, payload, "
          "frozen_ms, attempts) VALUES(3, 9, 4, 'abc:3-9', '{\"key\":1}', 7, 2)");
  auto ledger = OpenWrite(path);
  ASSERT_NE(ledger, nullptr);
  Result<std::optional<ShipBatch>> b = ledger->ship_queue().OldestShipBatch();
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ((*b)->first_seq, 3);
  EXPECT_EQ((*b)->last_seq, 9);
  EXPECT_EQ((*b)->token, "abc:3-9");
  EXPECT_EQ((*b)->attempts, 2u);
  auto db = sql::Database::Open(path, true);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("SELECT COUNT(*) FROM pragma_table_info("
                             "'ship_batches') WHERE name = 'payload'"),
            0);
}

// A ledger as schema 3 left it, with one unpriced Sonnet 4 event:
// 1000 input + 2000 output tokens at $3 / $15 per MTok = $0.033.
void WriteVersion3LedgerWithOneEvent(const std::string& path) {
  {
    auto db = sql::Database::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(ApplyMigrations(**db, 0, 3).ok());
  }
  ExecSql(path,
          "INSERT INTO events VALUES('old', 1000, 2000, 0, 0, 0, 0, 0, 0, "
          "1756857600000, '/f', 0, 's', 'p', '/c', 'b', 'v', "
          "'claude-sonnet-4-20250514', '', 0, 'h', 1, 1, 1)");
}

TEST(Ledger, AVersion3LedgerIsPricedAndRolledUpWhenAWriterOpensIt) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  WriteVersion3LedgerWithOneEvent(path);
  if (HasFatalFailure()) return;
  {
    // A writer with nothing to commit (a sync that found no change).
    auto writer = OpenWrite(path);
    ASSERT_NE(writer, nullptr);
  }
  auto ledger = LedgerReader::Open(path);
  ASSERT_TRUE(ledger.ok());
  auto rows = (*ledger)->Usage(UsageFilter{});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].cost_nano, int64_t{33'000} * 1'000);
  EXPECT_EQ(rows->rows[0].tokens.output, 2000u);
  EXPECT_EQ(rows->rows[0].first_ms, 1756857600000);
  EXPECT_EQ(rows->dim(rows->rows[0]).model, "claude-sonnet-4-20250514");
}

TEST(Ledger, AReaderPricesAVersion3LedgerToo) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  WriteVersion3LedgerWithOneEvent(path);
  if (HasFatalFailure()) return;
  auto ledger = LedgerReader::Open(path);
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  auto rows = (*ledger)->Usage(UsageFilter{});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].cost_nano, int64_t{33'000} * 1'000);
}

TEST(Ledger, AReaderInitialisesALedgerAWriterNeverFinishedCreating) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  { auto db = sql::Database::Open(path, false); }  // Empty file, version 0.
  auto reader = LedgerReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  auto summary = (*reader)->Summary();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->events, 0u);
}

TEST(Ledger, RecordsRunsForOtherProcessesToRead) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  auto ledger = OpenWrite(path);
  Result<int64_t> run = ledger->BeginRun("once", "host", 1000);
  ASSERT_TRUE(run.ok());
  RunCounters c;
  c.files_scanned = 3;
  c.events_new = 9;
  ASSERT_TRUE(ledger->FinishRun(*run, c, "ok", "", 1500).ok());
  auto reader = LedgerReader::Open(path);
  ASSERT_TRUE(reader.ok());
  auto summary = (*reader)->Summary();
  ASSERT_TRUE(summary.ok() && summary->last_run);
  EXPECT_EQ(summary->last_run->mode, "once");
  EXPECT_EQ(summary->last_run->result, "ok");
  EXPECT_EQ(*summary->last_run->finished_ms - summary->last_run->started_ms, 500);
  EXPECT_EQ(summary->last_run->counters.events_new, 9u);
}

// The dashboard reloads when the stamp moves: every write that changes what
// it shows moves it, a running monitor's idle heartbeat does not.
TEST(Ledger, TheContentStampIgnoresOnlyTheHeartbeat) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  auto ledger = OpenWrite(path);
  auto reader = LedgerReader::Open(path);
  ASSERT_TRUE(reader.ok());
  auto stamp = [&] {
    Result<std::string> s = (*reader)->ContentStamp();
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : "";
  };
  std::string before = stamp();
  auto expect_moved = [&](const char* what) {
    const std::string now = stamp();
    EXPECT_NE(now, before) << what;
    before = now;
  };

  Result<int64_t> run = ledger->BeginRun("monitor", "host", 1000);
  ASSERT_TRUE(run.ok());
  expect_moved("a run began");
  RunCounters c;
  ASSERT_TRUE(ledger->Heartbeat(*run, c, 6000).ok());
  ASSERT_TRUE(ledger->Heartbeat(*run, c, 11000).ok());
  EXPECT_EQ(stamp(), before) << "an idle heartbeat";

  Batch b;
  b.events.push_back(MakeEvent("a", 10, 1000));
  b.checkpoints.push_back(MakeCheckpoint("/root/p/f.jsonl", 100));
  ASSERT_TRUE(ledger->Commit(b, "host", 2000).ok());
  expect_moved("an event and a checkpoint");
  Batch bigger;
  bigger.events.push_back(MakeEvent("a", 20, 1000));  // Same key, bigger.
  ASSERT_TRUE(ledger->Commit(bigger, "host", 2100).ok());
  expect_moved("an event grew in place");
  Batch checkpoint_only;
  checkpoint_only.checkpoints.push_back(MakeCheckpoint("/root/p/f.jsonl", 200));
  ASSERT_TRUE(ledger->Commit(checkpoint_only, "host", 2200).ok());
  expect_moved("a checkpoint moved");
  Batch reject;
  reject.rejects.push_back(Reject{"/root/p/f.jsonl", 200, 5, "bad", "{", 1});
  ASSERT_TRUE(ledger->Commit(reject, "host", 2300).ok());
  expect_moved("a reject");
  c.files_scanned = 1;
  ASSERT_TRUE(ledger->Heartbeat(*run, c, 16000, 15000).ok());
  expect_moved("a heartbeat that carries a pass's counters and sync time");
  ASSERT_TRUE(ledger->MarkGone({"/root/p/f.jsonl"}).ok());
  expect_moved("a file gone");
  ASSERT_TRUE(ledger->FinishRun(*run, c, "ok", "", 17000).ok());
  expect_moved("the run finished");
  ASSERT_TRUE(ledger->ship_queue().SetTelemetryShippedMark(false, 7).ok());
  expect_moved("a shipped mark");
}

// A budget alert may be recorded (and its delivery retried) in a commit
// that adds no event: the dashboard's budgets panel must still reload.
TEST(Ledger, AnAlertAndItsDeliveryMoveTheContentStamp) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  auto ledger = OpenWrite(path);
  auto reader = LedgerReader::Open(path);
  ASSERT_TRUE(reader.ok());
  auto db = sql::Database::Open(path, /*read_only=*/false);
  ASSERT_TRUE(db.ok());
  auto stamp = [&] {
    Result<std::string> s = (*reader)->ContentStamp();
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : "";
  };
  const std::string before = stamp();
  ASSERT_TRUE((*db)->Exec(R"sql(
    INSERT INTO alerts VALUES('threshold:day:2026-03-01T00:00:00Z:50', 'threshold',
      'day', 'day', 0, 86400000, 50, 'usd', 10.5, 20, 0, '', '', 5000))sql").ok());
  const std::string fired = stamp();
  EXPECT_NE(fired, before) << "an alert fired";
  ASSERT_TRUE((*db)->Exec(R"sql(
    INSERT INTO alert_deliveries(alert_id, channel)
      VALUES('threshold:day:2026-03-01T00:00:00Z:50', 'webhook'))sql").ok());
  const std::string queued = stamp();
  EXPECT_NE(queued, fired) << "a delivery queued";
  ASSERT_TRUE((*db)->Exec("UPDATE alert_deliveries SET attempts = 1, "
                          "next_attempt_ms = 9000, last_error = 'refused'").ok());
  const std::string retried = stamp();
  EXPECT_NE(retried, queued) << "a failed attempt";
  ASSERT_TRUE((*db)->Exec("UPDATE alert_deliveries SET attempts = 2, "
                          "delivered_ms = 9500").ok());
  EXPECT_NE(stamp(), retried) << "delivered";
}

// Every table is either in the stamp or derived from one that is.
TEST(Ledger, TheContentStampCoversEveryTable) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  auto ledger = OpenWrite(path);
  auto db = sql::Database::Open(path, /*read_only=*/true);
  ASSERT_TRUE(db.ok());
  sql::Statement st((*db)->handle(),
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                    "name NOT LIKE 'sqlite_%'");
  int tables = 0;
  for (Result<bool> row = st.Step(); row.ok() && *row; row = st.Step()) {
    const std::string name = st.Text(0);
    bool covered = false;
    for (const char* const* t = LedgerReader::kStampedTables; *t != nullptr; ++t) {
      covered = covered || name == *t;
    }
    EXPECT_TRUE(covered) << "table " << name
                         << " is not in LedgerReader::ContentStamp";
    ++tables;
  }
  EXPECT_GE(tables, 10);
}

}  // namespace
}  // namespace cc
