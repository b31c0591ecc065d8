// The ledger's files: modes, read-only opens, a ledger deleted under its
// writer. Root reads any file whatever its mode, so the chmod cases skip
// under root; the read-only mount cases need root (they skip without it).
#include "ledger/ledger_files.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "ledger/ledger_writer.h"
#include "test_util.h"

namespace cc {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

Event MakeEvent(const std::string& key, uint64_t output) {
  Event e;
  e.key = key;
  e.tokens.input = 1;
  e.tokens.output = output;
  e.attributes.model = "m";
  e.first = Provenance{1'700'000'000'000, "/f.jsonl", 0};
  return e;
}

// A ledger at `path` with two events (output 10 + 20), writer closed.
void MakeLedger(const std::string& path) {
  Result<std::unique_ptr<LedgerWriter>> l = LedgerWriter::Open(path, "test");
  ASSERT_TRUE(l.ok()) << l.status().message();
  Batch b;
  b.events = {MakeEvent("a", 10), MakeEvent("b", 20)};
  ASSERT_TRUE((*l)->Commit(b, "host", 5).ok());
}

void ExpectReadsBothEvents(const std::string& path) {
  Result<std::unique_ptr<LedgerReader>> reader = LedgerReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  Result<LedgerSummary> summary = (*reader)->Summary();
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->events, 2u);
  EXPECT_EQ(summary->tokens.output, 30u);
}

class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(umask(mask)) {}
  ~ScopedUmask() { umask(old_); }

 private:
  mode_t old_;
};

class FreshLedgerModes : public ::testing::TestWithParam<mode_t> {};

TEST_P(FreshLedgerModes, DirectoryIs0700AndFilesAre0600WhateverTheUmask) {
  test::TempDir dir;
  ScopedUmask mask(GetParam());
  const std::string ledger_dir = dir.Join("context-cleaner");
  const std::string path = ledger_dir + "/ledger.db";
  Result<std::unique_ptr<LedgerWriter>> l = LedgerWriter::Open(path, "test");
  ASSERT_TRUE(l.ok()) << l.status().message();
  Batch b;
  b.events = {MakeEvent("a", 10)};
  ASSERT_TRUE((*l)->Commit(b, "host", 5).ok());
  // With the writer open, the WAL's files exist too.
  EXPECT_EQ(ModeOf(ledger_dir), 0700u);
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    EXPECT_EQ(ModeOf(path + suffix), 0600u) << suffix;
  }
  EXPECT_EQ(ExposureWarning(path), std::nullopt);
}

TEST(LedgerFiles, MissingAncestorsAreMadeAsUsualTheLedgerDirectory0700) {
  ScopedUmask mask(022);
  test::TempDir dir;
  const std::string path = dir.Join("share/context-cleaner/ledger.db");
  MakeLedger(path);
  EXPECT_EQ(ModeOf(dir.Join("share")), 0755u);
  EXPECT_EQ(ModeOf(dir.Join("share/context-cleaner")), 0700u);
  EXPECT_EQ(ModeOf(path), 0600u);
}

INSTANTIATE_TEST_SUITE_P(Umask, FreshLedgerModes,
                         ::testing::Values(mode_t{022}, mode_t{0}, mode_t{077},
                                           mode_t{0277}));

TEST(LedgerFiles, ALedgerOthersCanReadGetsOneWarningNamingTheFix) {
  test::TempDir dir;
  const std::string ledger_dir = dir.Join("cc");
  const std::string path = ledger_dir + "/ledger.db";
  MakeLedger(path);
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  ASSERT_EQ(chmod(ledger_dir.c_str(), 0755), 0);
  std::optional<std::string> w = ExposureWarning(path);
  ASSERT_TRUE(w.has_value());
  EXPECT_NE(w->find("chmod 600 " + path), std::string::npos) << *w;
  EXPECT_NE(w->find("chmod 700 " + ledger_dir), std::string::npos) << *w;
  // The file alone.
  ASSERT_EQ(chmod(ledger_dir.c_str(), 0700), 0);
  w = ExposureWarning(path);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->find("chmod 700"), std::string::npos) << *w;
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  EXPECT_EQ(ExposureWarning(path), std::nullopt);
}

TEST(LedgerFiles, ASharedDirectoryIsNotTheLedgersToClose) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  MakeLedger(path);
  test::WriteFile(dir.Join("notes.txt"), "mine");
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  EXPECT_EQ(ExposureWarning(path), std::nullopt);
  EXPECT_EQ(ExposureWarning(dir.Join("absent.db")), std::nullopt);
}

TEST(LedgerFiles, AnExistingFileKeepsItsMode) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  MakeLedger(path);
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  MakeLedger(path);  // Opened again by a writer.
  EXPECT_EQ(ModeOf(path), 0640u);
}

// --- Read-only ledgers ---

TEST(ReadOnlyLedger, AFileTheUserCannotWriteIsRead) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes any file; see the mounts";
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  MakeLedger(path);
  ASSERT_EQ(chmod(path.c_str(), 0444), 0);
  ExpectReadsBothEvents(path);
}

TEST(ReadOnlyLedger, ADirectoryTheUserCannotWriteIsRead) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes any directory; see the mounts";
  test::TempDir dir;
  const std::string sub = dir.Join("ro");
  const std::string path = sub + "/ledger.db";
  MakeLedger(path);  // Closed: no -wal, no -shm, and none can be made.
  ASSERT_EQ(chmod(sub.c_str(), 0555), 0);
  ExpectReadsBothEvents(path);
  Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(path, "test");
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find(path), std::string::npos)
      << writer.status().message();
  ASSERT_EQ(chmod(sub.c_str(), 0755), 0);
}

// `dir` bound onto itself read-only for the life of the object (root only).
class ReadOnlyBind {
 public:
  explicit ReadOnlyBind(const std::string& dir) : dir_(dir) {
    if (mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      error_ = std::string("mount --bind: ") + std::strerror(errno);
      return;
    }
    bound_ = true;
    if (mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY,
              nullptr) != 0) {
      error_ = std::string("remount read-only: ") + std::strerror(errno);
    }
  }
  ~ReadOnlyBind() {
    if (bound_) umount2(dir_.c_str(), MNT_DETACH);
  }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  bool bound_ = false;
  std::string error_;
};

TEST(ReadOnlyLedger, AClosedLedgerOnAReadOnlyMountIsRead) {
  test::TempDir dir;
  const std::string sub = dir.Join("mnt");
  const std::string path = sub + "/ledger.db";
  MakeLedger(path);  // Closed: no -shm, and none can be made there.
  ReadOnlyBind ro(sub);
  if (!ro.error().empty()) GTEST_SKIP() << "no read-only mount: " << ro.error();
  ExpectReadsBothEvents(path);
  Result<std::unique_ptr<LedgerReader>> reader = LedgerReader::Open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_NE((*reader)->access_note().find("read-only"), std::string::npos);
  Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(path, "test");
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find(path), std::string::npos)
      << writer.status().message();
  std::string message = writer.status().message();
  std::transform(message.begin(), message.end(), message.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  EXPECT_NE(message.find("read-only"), std::string::npos) << message;
}

TEST(ReadOnlyLedger, ALiveLedgerOnAReadOnlyMountIsReadWithItsLog) {
  test::TempDir dir;
  const std::string sub = dir.Join("mnt");
  const std::string path = sub + "/ledger.db";
  // The writer stays open, its -wal and -shm beside the file, its last
  // commit in the log only.
  Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(path, "test");
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  Batch b;
  b.events = {MakeEvent("a", 10), MakeEvent("b", 20)};
  ASSERT_TRUE((*writer)->Commit(b, "host", 5).ok());
  ReadOnlyBind ro(sub);
  if (!ro.error().empty()) GTEST_SKIP() << "no read-only mount: " << ro.error();
  ExpectReadsBothEvents(path);
}

TEST(ReadOnlyLedger, AMissingLedgerIsNamed) {
  test::TempDir dir;
  Result<std::unique_ptr<LedgerReader>> reader =
      LedgerReader::Open(dir.Join("none.db"));
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find(dir.Join("none.db")),
            std::string::npos);
}

// --- A ledger deleted or replaced under its writer ---

TEST(LedgerAtPath, AWriterNoticesItsFileWasDeleted) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(path, "test");
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->CheckStillAtPath().ok());
  ASSERT_EQ(unlink(path.c_str()), 0);
  Status s = (*writer)->CheckStillAtPath();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("deleted"), std::string::npos) << s.message();
}

TEST(LedgerAtPath, AWriterNoticesItsFileWasReplaced) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  MakeLedger(dir.Join("other.db"));
  Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(path, "test");
  ASSERT_TRUE(writer.ok());
  ASSERT_EQ(std::rename(dir.Join("other.db").c_str(), path.c_str()), 0);
  Status s = (*writer)->CheckStillAtPath();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("replaced"), std::string::npos) << s.message();
}

TEST(LedgerAtPath, AWriterNoticesItsLockFileWasDeleted) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(path, "test");
  ASSERT_TRUE(writer.ok());
  ASSERT_EQ(unlink((path + ".lock").c_str()), 0);
  Status s = (*writer)->CheckStillAtPath();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(".lock"), std::string::npos) << s.message();
}

TEST(LedgerAtPath, ANewLedgerIgnoresTheLogOfADeletedOne) {
  test::TempDir dir;
  const std::string path = dir.Join("ledger.db");
  {
    Result<std::unique_ptr<LedgerWriter>> writer = LedgerWriter::Open(path, "test");
    ASSERT_TRUE(writer.ok());
    Batch b;
    b.events = {MakeEvent("a", 10), MakeEvent("b", 20)};
    ASSERT_TRUE((*writer)->Commit(b, "host", 5).ok());
    ASSERT_EQ(unlink(path.c_str()), 0);  // Its -wal and -shm stay.
    ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
  }
  Result<std::unique_ptr<LedgerWriter>> fresh = LedgerWriter::Open(path, "test");
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  Result<std::vector<std::string>> damage = (*fresh)->reader().CheckIntegrity(false, 5);
  ASSERT_TRUE(damage.ok()) << damage.status().message();
  EXPECT_TRUE(damage->empty()) << damage->front();
  Result<LedgerSummary> summary = (*fresh)->reader().Summary();
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->events, 0u);
}

}  // namespace
}  // namespace cc
