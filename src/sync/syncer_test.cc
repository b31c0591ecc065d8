#include "sync/syncer.h"

#include <unistd.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/civil_time.h"
#include "ledger/ledger_writer.h"
#include "sync/backlog.h"
#include "test_util.h"

namespace cc {
namespace {

class SyncerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.Join("claude");
    std::filesystem::create_directories(root_ + "/projects");
    ledger_path_ = dir_.Join("ledger.db");
  }

  std::string Transcript(const std::string& name) const {
    return root_ + "/projects/proj/" + name;
  }

  SyncReport RunPaths(std::vector<std::string> paths) {
    auto ledger = LedgerWriter::Open(ledger_path_, "test");
    EXPECT_TRUE(ledger.ok());
    SyncOptions options;
    options.roots = {root_};
    options.source = "test-host";
    options.only_paths = std::move(paths);
    SystemClock clock;
    Result<SyncReport> report = Syncer(ledger->get(), clock).Run(options, nullptr);
    EXPECT_TRUE(report.ok()) << report.status().message();
    return report.ok() ? *report : SyncReport();
  }

  SyncReport Run(SyncMode mode = SyncMode::kOnce, bool dry_run = false,
                 std::optional<int64_t> since = std::nullopt, size_t jobs = 2) {
    auto ledger = LedgerWriter::Open(ledger_path_, "test");
    EXPECT_TRUE(ledger.ok()) << ledger.status().message();
    SyncOptions options;
    options.roots = {root_};
    options.source = "test-host";
    options.mode = mode;
    options.jobs = jobs;
    options.dry_run = dry_run;
    options.days.since = since;
    SystemClock clock;
    Syncer syncer(ledger->get(), clock);
    Result<SyncReport> report = syncer.Run(options, nullptr);
    EXPECT_TRUE(report.ok()) << report.status().message();
    return report.ok() ? *report : SyncReport();
  }

  LedgerSummary Summary() {
    auto ledger = LedgerReader::Open(ledger_path_);
    EXPECT_TRUE(ledger.ok());
    auto s = (*ledger)->Summary();
    EXPECT_TRUE(s.ok());
    return *s;
  }

  std::string Line(const std::string& id, uint64_t output,
                   const std::string& ts = "2025-09-03T10:00:00.000Z") {
    test::LineSpec spec;
    spec.message_id = id;
    spec.request_id = "req_" + id;
    spec.uuid = "u-" + id + "-" + std::to_string(output);
    spec.output = output;
    spec.timestamp = ts;
    return test::AssistantLine(spec) + "\n";
  }

  cc::Backlog Backlog() {
    auto ledger = LedgerReader::Open(ledger_path_);
    EXPECT_TRUE(ledger.ok());
    auto b = MeasureBacklog(**ledger);
    EXPECT_TRUE(b.ok());
    return *b;
  }

  test::TempDir dir_;
  std::string root_;
  std::string ledger_path_;
};

TEST_F(SyncerTest, ReadsNewFilesThenOnlyAppendedBytes) {
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 10) + test::UserLine(5000) + "\n");
  SyncReport first = Run();
  EXPECT_EQ(first.counters.files_new, 1u);
  EXPECT_EQ(first.counters.events_new, 1u);
  std::string more = Line("m2", 20);
  test::AppendFile(Transcript("a.jsonl"), more);
  SyncReport second = Run();
  EXPECT_EQ(second.counters.files_changed, 1u);
  EXPECT_EQ(second.counters.bytes_read, more.size());  // Only the new bytes.
  EXPECT_EQ(second.counters.events_new, 1u);
  SyncReport third = Run();
  EXPECT_EQ(third.counters.bytes_read, 0u);
  EXPECT_EQ(third.counters.files_scanned, 1u);
  EXPECT_EQ(Summary().tokens.output, 30u);
}

TEST_F(SyncerTest, ATargetedPassVisitsOnlyTheListedFiles) {
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 10));
  test::WriteFile(Transcript("b.jsonl"), Line("m2", 20));
  SyncReport r = RunPaths({Transcript("a.jsonl"), root_ + "/elsewhere.jsonl"});
  EXPECT_EQ(r.counters.files_scanned, 1u);
  EXPECT_EQ(Summary().tokens.output, 10u);
  Run();  // The full pass finds b.
  EXPECT_EQ(Summary().tokens.output, 30u);
  std::filesystem::remove(Transcript("b.jsonl"));
  r = RunPaths({Transcript("b.jsonl")});
  EXPECT_EQ(r.counters.files_gone, 1u);
  EXPECT_EQ(Summary().files_gone, 1u);
  EXPECT_EQ(Summary().files_active, 1u);  // a.jsonl was not touched.
}

TEST_F(SyncerTest, StreamingDuplicatesBecomeOneEventWithTheMaximum) {
  // One response on three lines (partials first), then copied into a
  // resumed session's file.
  std::string response = Line("m1", 3) + Line("m1", 172) + Line("m1", 172);
  test::WriteFile(Transcript("a.jsonl"), response);
  test::WriteFile(Transcript("b.jsonl"), Line("m1", 172) + Line("m2", 5));
  Run();
  LedgerSummary s = Summary();
  EXPECT_EQ(s.events, 2u);
  EXPECT_EQ(s.tokens.output, 177u);
  EXPECT_EQ(s.tokens.input, 2u);  // input 1 per event, not per line.
}

TEST_F(SyncerTest, APartialLineWaitsForItsNewline) {
  std::string line = Line("m1", 10);
  test::WriteFile(Transcript("a.jsonl"), line.substr(0, 40));
  EXPECT_EQ(Run().counters.events_new, 0u);
  // Read and left: an unfinished line, not unread bytes (no sync could
  // read it, so it is no lag).
  cc::Backlog left = Backlog();
  EXPECT_EQ(left.unread_bytes, 0u);
  EXPECT_EQ(left.files_behind, 0u);
  EXPECT_EQ(left.unfinished_bytes, 40u);
  ASSERT_EQ(left.unfinished.size(), 1u);
  EXPECT_EQ(left.unfinished[0].file, Transcript("a.jsonl"));
  EXPECT_EQ(left.unfinished[0].offset, 0u);
  EXPECT_EQ(left.unfinished[0].bytes, 40u);
  EXPECT_EQ(BacklogLagMs(left, 1000, 1'000'000), 0);
  EXPECT_EQ(Summary().rejects, 0u);  // Unfinished, not bad.
  test::AppendFile(Transcript("a.jsonl"), line.substr(40));
  // Grown since the visit: unread (and lag) until the next pass.
  EXPECT_EQ(Backlog().unread_bytes, line.size());
  EXPECT_EQ(Backlog().unfinished_bytes, 0u);
  EXPECT_GT(BacklogLagMs(Backlog(), 1000, 1'000'000), 0);
  EXPECT_EQ(Run().counters.events_new, 1u);
  EXPECT_EQ(Backlog().unread_bytes, 0u);
  test::AppendFile(Transcript("a.jsonl"), "{\"partial");  // Measured, not stored.
  EXPECT_EQ(Backlog().unread_bytes, 9u);
  Run();  // Visited and left again: unfinished, after the first line.
  EXPECT_EQ(Backlog().unread_bytes, 0u);
  ASSERT_EQ(Backlog().unfinished.size(), 1u);
  EXPECT_EQ(Backlog().unfinished[0].offset, line.size());
  EXPECT_EQ(Backlog().unfinished_bytes, 9u);
}

TEST_F(SyncerTest, AWholeObjectWithoutNewlineCountsOnce) {
  std::string line = Line("m1", 10);
  test::WriteFile(Transcript("a.jsonl"), line.substr(0, line.size() - 1));
  EXPECT_EQ(Run().counters.events_new, 1u);
  test::AppendFile(Transcript("a.jsonl"), "\n" + Line("m2", 1));
  SyncReport later = Run();
  EXPECT_EQ(later.counters.events_new, 1u);
  EXPECT_EQ(later.counters.rejects, 0u);  // The lone newline is blank.
  EXPECT_EQ(Summary().events, 2u);
}

TEST_F(SyncerTest, TruncatedAndRewrittenFilesAreReadAgain) {
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 10) + Line("m2", 20));
  Run();
  test::WriteFile(Transcript("a.jsonl"), Line("m3", 30));  // Shorter.
  SyncReport r = Run();
  EXPECT_EQ(r.counters.files_reread, 1u);
  EXPECT_EQ(Summary().events, 3u);  // m1, m2 kept; m3 added.
  // Same size, different bytes: the fingerprint notices.
  test::WriteFile(Transcript("a.jsonl"), Line("m4", 30));
  EXPECT_EQ(Run().counters.files_reread, 1u);
  EXPECT_EQ(Summary().events, 4u);
}

TEST_F(SyncerTest, AFileReplacedByRenameIsReadAgain) {
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 10));
  Run();
  test::WriteFile(Transcript("a.tmp"), Line("m1", 10) + Line("m2", 20));
  std::filesystem::rename(Transcript("a.tmp"), Transcript("a.jsonl"));
  SyncReport r = Run();
  EXPECT_EQ(r.counters.files_reread, 1u);
  EXPECT_EQ(r.counters.events_new, 1u);
  EXPECT_EQ(Summary().tokens.output, 30u);
}

TEST_F(SyncerTest, AFileMovedInsideTheTreeIsNotReadAgain) {
  std::string first = Line("m1", 10);
  test::WriteFile(Transcript("a.jsonl"), first);
  Run();
  std::filesystem::create_directories(root_ + "/projects/other");
  std::filesystem::rename(Transcript("a.jsonl"),
                          root_ + "/projects/other/a.jsonl");
  std::string more = Line("m2", 5);
  test::AppendFile(root_ + "/projects/other/a.jsonl", more);
  SyncReport r = Run();
  EXPECT_EQ(r.counters.bytes_read, more.size());  // Resumed, not re-read.
  EXPECT_EQ(r.counters.files_gone, 1u);
  EXPECT_EQ(r.counters.files_changed, 1u);
  EXPECT_EQ(Summary().tokens.output, 15u);
}

TEST_F(SyncerTest, DeletedFilesKeepTheirEvents) {
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 10));
  test::WriteFile(Transcript("b.jsonl"), Line("m2", 20));
  Run();
  std::filesystem::remove(Transcript("a.jsonl"));
  EXPECT_EQ(Run().counters.files_gone, 1u);
  LedgerSummary s = Summary();
  EXPECT_EQ(s.files_gone, 1u);
  EXPECT_EQ(s.files_active, 1u);
  EXPECT_EQ(s.tokens.output, 30u);
}

TEST_F(SyncerTest, SubagentFilesAreFound) {
  test::WriteFile(Transcript("s1.jsonl"), Line("m1", 10));
  test::WriteFile(Transcript("s1/subagents/agent-a1.jsonl"), Line("m2", 20));
  Run();
  EXPECT_EQ(Summary().files_active, 2u);
  EXPECT_EQ(Summary().tokens.output, 30u);
}

TEST_F(SyncerTest, BadLinesAreRecordedAndGoodLinesKept) {
  std::string bad = R"({"type":"assistant","message":{"usage":{"output_tokens":-1}}})";
  std::string good = Line("m1", 10);
  test::WriteFile(Transcript("a.jsonl"), good + bad + "\n" + "garbage\n" + good);
  SyncReport r = Run();
  EXPECT_EQ(r.counters.rejects, 2u);
  EXPECT_EQ(Summary().rejects, 2u);
  EXPECT_EQ(Summary().tokens.output, 10u);
  auto ledger = LedgerReader::Open(ledger_path_);
  auto rejects = (*ledger)->RecentRejects(10);
  ASSERT_TRUE(rejects.ok());
  ASSERT_EQ(rejects->size(), 2u);
  // Sorted by file then offset within one commit.
  EXPECT_EQ((*rejects)[0].offset, good.size());
  EXPECT_EQ((*rejects)[0].length, bad.size() + 1);
  EXPECT_EQ((*rejects)[1].reason, "not a JSON object");
  Run(SyncMode::kBackfill);  // Reading again does not double rejects.
  EXPECT_EQ(Summary().rejects, 2u);
}

// A clock standing still at 2026-03-01T00:00:00Z.
class FixedClock final : public Clock {
 public:
  int64_t NowMs() const override { return 1'772'323'200'000; }
  int64_t SteadyNs() const override { return 0; }
};

TEST_F(SyncerTest, LinesDatedOutsideTheWindowAreRejectsByTheSyncersClock) {
  test::WriteFile(Transcript("a.jsonl"),
                  Line("m1", 10, "0000-01-01T00:00:00Z") +
                      Line("m2", 20, "2023-01-01T00:00:00Z") +
                      Line("m3", 40, "2026-03-02T00:00:00Z") +   // Now + 1 day.
                      Line("m4", 80, "2026-03-03T00:00:00Z"));  // Now + 2 days.
  auto ledger = LedgerWriter::Open(ledger_path_, "test");
  ASSERT_TRUE(ledger.ok());
  SyncOptions options;
  options.roots = {root_};
  options.source = "test-host";
  FixedClock clock;
  Result<SyncReport> r = Syncer(ledger->get(), clock).Run(options, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->counters.rejects, 2u);
  ledger->reset();
  EXPECT_EQ(Summary().tokens.output, 60u);
  EXPECT_EQ(Summary().rejects, 2u);
  auto reader = LedgerReader::Open(ledger_path_);
  auto rejects = (*reader)->RecentRejects(10);
  ASSERT_TRUE(rejects.ok());
  ASSERT_EQ(rejects->size(), 2u);
  EXPECT_EQ((*rejects)[0].reason, "timestamp: before 2023-01-01T00:00:00Z");
  EXPECT_EQ((*rejects)[1].reason, "timestamp: more than a day after now");
}

TEST_F(SyncerTest, RunsOfJunkBecomeOneRejectRange) {
  std::string junk;
  for (int i = 0; i < 100'000; ++i) junk += "x\n";
  test::WriteFile(Transcript("a.jsonl"), junk + Line("m1", 10) + "y\n");
  SyncReport r = Run();
  EXPECT_EQ(r.counters.rejects, 100'001u);
  EXPECT_EQ(Summary().rejects, 100'001u);
  auto ledger = LedgerReader::Open(ledger_path_);
  auto rejects = (*ledger)->RecentRejects(10);
  ASSERT_TRUE(rejects.ok());
  ASSERT_EQ(rejects->size(), 2u);  // Two ranges, not 100,001 rows.
  EXPECT_EQ(Summary().tokens.output, 10u);
}

TEST_F(SyncerTest, ARewrittenFileGetsItsRejectsAnew) {
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 10) + "junk\n");
  Run();
  EXPECT_EQ(Summary().rejects, 1u);
  test::WriteFile(Transcript("a.jsonl"), Line("m2", 5));  // Bad line gone.
  EXPECT_EQ(Run().counters.files_reread, 1u);
  EXPECT_EQ(Summary().rejects, 0u);
  EXPECT_EQ(Summary().tokens.output, 15u);  // m1 is history, kept.
}

TEST_F(SyncerTest, AHugeLineWithUsageCounts) {
  test::LineSpec spec;
  spec.output = 4242;
  std::string line = test::AssistantLine(spec);
  line.replace(line.find("\"hi\""), 4, "\"" + std::string(3'000'000, 'h') + "\"");
  test::WriteFile(Transcript("a.jsonl"),
                  test::UserLine(5'000'000) + "\n" + line + "\n" + Line("m9", 1));
  SyncReport r = Run();
  EXPECT_EQ(r.counters.rejects, 0u);
  EXPECT_EQ(Summary().tokens.output, 4243u);
}

TEST_F(SyncerTest, BackfillTwiceChangesNothing) {
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 3) + Line("m1", 9));
  SyncReport first = Run(SyncMode::kBackfill);
  EXPECT_EQ(first.counters.events_new, 1u);
  SyncReport second = Run(SyncMode::kBackfill);
  EXPECT_EQ(second.counters.events_new, 0u);
  EXPECT_EQ(second.counters.events_updated, 0u);
  EXPECT_EQ(second.counters.bytes_read, first.counters.bytes_read);
  EXPECT_EQ(Run().counters.bytes_read, 0u);  // Checkpoints were written.
}

TEST_F(SyncerTest, BackfillSinceCountsOnlyThoseDaysAndKeepsNoCheckpoint) {
  test::WriteFile(Transcript("a.jsonl"),
                  Line("old", 1, "2025-09-01T10:00:00Z") +
                      Line("new", 2, "2025-09-03T10:00:00Z"));
  Run(SyncMode::kBackfill, false, ParseDate("2025-09-02"));
  EXPECT_EQ(Summary().tokens.output, 2u);
  EXPECT_EQ(Summary().files_active, 0u);
  Run();  // A later sync reads everything.
  EXPECT_EQ(Summary().tokens.output, 3u);
}

TEST_F(SyncerTest, BackfillDateLimitsApplyToMergedEvents) {
  // One response straddling midnight: its day is the earliest line's.
  test::WriteFile(Transcript("a.jsonl"),
                  Line("m1", 3, "2025-09-01T23:59:59.900Z") +
                      Line("m1", 100, "2025-09-02T00:00:00.100Z"));
  Run(SyncMode::kBackfill, false, ParseDate("2025-09-02"));
  EXPECT_EQ(Summary().events, 0u);
  Run();
  auto ledger = LedgerReader::Open(ledger_path_);
  auto rows = (*ledger)->DailyTotals(std::nullopt, std::nullopt);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(FormatDate((*rows)[0].day), "2025-09-01");
  EXPECT_EQ((*rows)[0].tokens.output, 100u);
}

TEST_F(SyncerTest, DryRunWritesNothing) {
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 3) + Line("m2", 9));
  SyncReport r = Run(SyncMode::kBackfill, /*dry_run=*/true);
  EXPECT_EQ(r.unique_events, 2u);
  EXPECT_EQ(Summary().events, 0u);
  EXPECT_FALSE(Summary().last_run.has_value());
}

TEST_F(SyncerTest, ADryRunCountsWhatARealRunWouldAdd) {
  auto dry_run = [this](LedgerReader* ledger) {
    SyncOptions options;
    options.roots = {root_};
    options.mode = SyncMode::kBackfill;
    options.dry_run = true;
    options.dry_run_ledger = ledger;
    SystemClock clock;
    Result<SyncReport> r = Syncer(nullptr, clock).Run(options, nullptr);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->counters : RunCounters();
  };
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 3) + Line("m2", 9));
  RunCounters before = dry_run(nullptr);  // No ledger yet: all of it.
  EXPECT_EQ(before.files_new, 1u);
  EXPECT_EQ(before.events_new, 2u);
  Run(SyncMode::kBackfill);
  {
    auto ledger = LedgerReader::Open(ledger_path_);
    ASSERT_TRUE(ledger.ok());
    RunCounters full = dry_run(ledger->get());  // Nothing changed since.
    EXPECT_EQ(full.files_new, 0u);
    EXPECT_EQ(full.files_reread, 1u);
    EXPECT_EQ(full.events_new, 0u);
    EXPECT_EQ(full.events_updated, 0u);
  }
  // A new file: one new event, and a larger copy of m1 (twice: counted once).
  test::WriteFile(Transcript("b.jsonl"),
                  Line("m3", 1) + Line("m1", 50) + Line("m1", 60));
  {
    auto ledger = LedgerReader::Open(ledger_path_);
    ASSERT_TRUE(ledger.ok());
    RunCounters more = dry_run(ledger->get());
    EXPECT_EQ(more.files_new, 1u);
    EXPECT_EQ(more.events_new, 1u);
    EXPECT_EQ(more.events_updated, 1u);
  }
  EXPECT_EQ(Summary().events, 2u);  // The dry runs wrote nothing.
  SyncReport real = Run(SyncMode::kBackfill);
  EXPECT_EQ(real.counters.files_new, 1u);
  EXPECT_EQ(real.counters.events_new, 1u);
  EXPECT_EQ(real.counters.events_updated, 1u);
}

TEST_F(SyncerTest, AMissingRootIsReportedNotFatal) {
  std::filesystem::remove_all(root_);
  SyncReport r = Run();
  ASSERT_EQ(r.scan_problems.size(), 1u);
  EXPECT_TRUE(r.scan_problems[0].root_missing);
}

TEST_F(SyncerTest, UnreadableFilesAreReportedAndSkipped) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  test::WriteFile(Transcript("a.jsonl"), Line("m1", 3));
  test::WriteFile(Transcript("b.jsonl"), Line("m2", 9));
  std::filesystem::permissions(Transcript("a.jsonl"),
                               std::filesystem::perms::none);
  SyncReport r = Run();
  EXPECT_EQ(r.file_problems.size(), 1u);
  EXPECT_EQ(Summary().tokens.output, 9u);
}

// The reference totals of ../shared/fixtures/claude-code/README.md.
TEST_F(SyncerTest, RealTranscriptsGiveTheReferenceTotals) {
  std::string fixtures = test::SharedFixturesDir();
  if (fixtures.empty()) GTEST_SKIP() << "../shared/fixtures not present";
  std::filesystem::create_directories(root_ + "/projects/proj");
  for (const auto& entry :
       std::filesystem::directory_iterator(fixtures + "/real")) {
    if (entry.path().extension() != ".jsonl") continue;
    std::filesystem::copy_file(entry.path(),
                               Transcript(entry.path().filename().string()));
  }
  Run(SyncMode::kBackfill);
  auto ledger = LedgerReader::Open(ledger_path_);
  auto rows = (*ledger)->DailyTotals(std::nullopt, std::nullopt);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(FormatDate((*rows)[0].day), "2025-09-03");
  EXPECT_EQ((*rows)[0].tokens.input, 911u);
  EXPECT_EQ((*rows)[0].tokens.output, 52'886u);
  EXPECT_EQ((*rows)[0].tokens.cache_creation, 150'674u);
  EXPECT_EQ((*rows)[0].tokens.cache_read, 3'751'073u);
  EXPECT_EQ(FormatDate((*rows)[1].day), "2025-09-07");
  EXPECT_EQ((*rows)[1].tokens.input, 129u);
  EXPECT_EQ((*rows)[1].tokens.output, 3'629u);
  EXPECT_EQ((*rows)[1].tokens.cache_creation, 47'747u);
  EXPECT_EQ((*rows)[1].tokens.cache_read, 324'259u);
  EXPECT_EQ((*rows)[0].events + (*rows)[1].events, 197u);
}

}  // namespace
}  // namespace cc
