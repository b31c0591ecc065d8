#include "daemon/monitor.h"

#include <fcntl.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "ledger/ledger_writer.h"
#include "test_util.h"
#include "watch/inotify_watcher.h"

namespace cc {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class CountingObserver final : public MonitorObserver {
 public:
  void OnPass(const char*, const SyncReport&) override { ++passes; }
  void OnNotice(const std::string&) override { ++notices; }
  std::atomic<int> passes{0};
  std::atomic<int> notices{0};
};

// A watcher the test drives: hints only when told.
class FakeWatcher final : public Watcher {
 public:
  FakeWatcher() {
    if (pipe2(pipe_, O_NONBLOCK | O_CLOEXEC) != 0) pipe_[0] = pipe_[1] = -1;
  }
  ~FakeWatcher() override {
    close(pipe_[0]);
    close(pipe_[1]);
  }
  Status WatchTree(const std::string&) override { return Status::Ok(); }
  int fd() const override { return pipe_[0]; }
  void Drain(std::vector<WatchEvent>* out) override {
    char buf[64];
    while (read(pipe_[0], buf, sizeof buf) > 0) {
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (WatchEvent& e : pending_) out->push_back(std::move(e));
    pending_.clear();
  }
  void Emit(WatchEvent e) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.push_back(std::move(e));
    char byte = 1;
    ssize_t ignored = write(pipe_[1], &byte, 1);
    (void)ignored;
  }

 private:
  int pipe_[2];
  std::mutex mu_;
  std::vector<WatchEvent> pending_;
};

class MonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.Join("claude");
    fs::create_directories(root_ + "/projects/p");
    ledger_path_ = dir_.Join("ledger.db");
    ASSERT_EQ(pipe2(stop_pipe_, O_CLOEXEC), 0);
  }

  void TearDown() override {
    Stop();
    close(stop_pipe_[0]);
    close(stop_pipe_[1]);
  }

  void Start(MonitorMode mode = MonitorMode::kWatch, Watcher* watcher = nullptr,
             milliseconds reconcile = milliseconds(60'000)) {
    auto ledger = LedgerWriter::Open(ledger_path_, "test monitor");
    ASSERT_TRUE(ledger.ok()) << ledger.status().message();
    ledger_ = std::move(*ledger);
    if (mode == MonitorMode::kWatch && watcher == nullptr) {
      auto inotify = InotifyWatcher::Create();
      ASSERT_TRUE(inotify.ok());
      inotify_ = std::move(*inotify);
      watcher = inotify_.get();
    }
    MonitorOptions options;
    options.roots = {root_};
    options.source = "test";
    options.mode = mode;
    options.poll_interval = milliseconds(50);
    options.reconcile = reconcile;
    monitor_ = std::make_unique<Monitor>(*ledger_, options, clock_, watcher,
                                         &observer_);
    thread_ = std::thread([this] {
      status_ = monitor_->Run(stop_pipe_[0], stop_);
    });
    WaitFor([this] { return observer_.passes >= 1; }, "the catch-up pass");
  }

  void Stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    char byte = 1;
    ASSERT_EQ(write(stop_pipe_[1], &byte, 1), 1);
    thread_.join();
    EXPECT_TRUE(status_.ok()) << status_.message();
  }

  // Waits, up to a bounded deadline, for a condition on the ledger. The
  // deadline is generous and the look every 10 ms: under ThreadSanitizer
  // on 2 busy cores the 6,000-file burst took 49-65 s, half of it the
  // system time of a check every 2 ms opening the ledger.
  void WaitFor(const std::function<bool()>& done, const std::string& what) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (!done()) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "timed out waiting for " << what;
      std::this_thread::sleep_for(milliseconds(10));
    }
  }

  LedgerSummary Summary() {
    auto reader = LedgerReader::Open(ledger_path_);
    EXPECT_TRUE(reader.ok());
    auto s = (*reader)->Summary();
    EXPECT_TRUE(s.ok());
    return *s;
  }

  void WaitForOutput(uint64_t output) {
    WaitFor([&] { return Summary().tokens.output == output; },
            "output tokens == " + std::to_string(output));
  }

  // Waits until the monitor has finished another pass (the caller makes
  // sure one is due: a hint, or a write the watcher will report).
  void WaitForAPass(int seen) {
    WaitFor([&] { return observer_.passes > seen; }, "another pass");
  }

  std::string Line(const std::string& id, uint64_t output,
                   const std::string& text = "hi") {
    test::LineSpec spec;
    spec.message_id = id;
    spec.request_id = "r" + id;
    spec.output = output;
    std::string line = test::AssistantLine(spec);
    line.replace(line.find("\"hi\""), 4, "\"" + text + "\"");
    return line + "\n";
  }

  std::string Path(const std::string& relative) const {
    return root_ + "/projects/" + relative;
  }

  test::TempDir dir_;
  std::string root_;
  std::string ledger_path_;
  int stop_pipe_[2] = {-1, -1};
  std::atomic<bool> stop_{false};
  SystemClock clock_;
  CountingObserver observer_;
  // Outlives the monitor thread (TearDown stops it before members die).
  FakeWatcher fake_watcher_;
  std::unique_ptr<LedgerWriter> ledger_;
  std::unique_ptr<InotifyWatcher> inotify_;
  std::unique_ptr<Monitor> monitor_;
  std::thread thread_;
  Status status_;
};

TEST_F(MonitorTest, CatchesUpThenSeesAppends) {
  test::WriteFile(Path("p/a.jsonl"), Line("m1", 10));
  Start();
  WaitForOutput(10);
  test::AppendFile(Path("p/a.jsonl"), Line("m2", 5));
  WaitForOutput(15);
}

TEST_F(MonitorTest, ALineWrittenInPiecesCountsOnceWhenItsNewlineArrives) {
  Start();
  // Split inside "é" (0xC3 0xA9) and mid-line.
  std::string line = Line("m1", 7, "caf\xC3\xA9");
  size_t cut = line.find("\xC3") + 1;
  int seen = observer_.passes;
  test::AppendFile(Path("p/a.jsonl"), line.substr(0, cut));
  WaitForAPass(seen);
  EXPECT_EQ(Summary().events, 0u);
  EXPECT_EQ(Summary().rejects, 0u);
  seen = observer_.passes;
  test::AppendFile(Path("p/a.jsonl"), line.substr(cut, 20));
  WaitForAPass(seen);
  EXPECT_EQ(Summary().events, 0u);
  test::AppendFile(Path("p/a.jsonl"), line.substr(cut + 20));
  WaitForOutput(7);
  EXPECT_EQ(Summary().events, 1u);
  EXPECT_EQ(Summary().rejects, 0u);
}

TEST_F(MonitorTest, NewProjectAndSubagentDirectoriesAreWatched) {
  Start();
  test::WriteFile(Path("new-project/s1.jsonl"), Line("m1", 1));
  WaitForOutput(1);
  test::WriteFile(Path("new-project/s1/subagents/agent-a.jsonl"), Line("m2", 2));
  WaitForOutput(3);
  test::AppendFile(Path("new-project/s1/subagents/agent-a.jsonl"), Line("m3", 4));
  WaitForOutput(7);
}

TEST_F(MonitorTest, RewritesRenamesAndDeletionsKeepTotalsRight) {
  test::WriteFile(Path("p/a.jsonl"), Line("m1", 1) + Line("m2", 2));
  Start();
  WaitForOutput(3);
  // Truncate and rewrite in place: m1, m2 stay (history), m3 arrives.
  test::WriteFile(Path("p/a.jsonl"), Line("m3", 4));
  WaitForOutput(7);
  // Atomic save: the new content replaces the file by rename.
  test::WriteFile(Path("p/a.tmp"), Line("m3", 4) + Line("m4", 8));
  fs::rename(Path("p/a.tmp"), Path("p/a.jsonl"));
  WaitForOutput(15);
  // copytruncate: copied aside, truncated to 0, written again.
  fs::copy_file(Path("p/a.jsonl"), Path("p/a.jsonl.1"));
  fs::resize_file(Path("p/a.jsonl"), 0);
  test::AppendFile(Path("p/a.jsonl"), Line("m5", 16));
  WaitForOutput(31);
  // Deleted: its events stay.
  fs::remove(Path("p/a.jsonl"));
  WaitFor([&] { return Summary().files_gone == 1; }, "the file marked gone");
  EXPECT_EQ(Summary().tokens.output, 31u);
}

TEST_F(MonitorTest, LostHintsTriggerAFullRescan) {
  FakeWatcher& watcher = fake_watcher_;
  Start(MonitorMode::kWatch, &watcher);
  test::WriteFile(Path("p/a.jsonl"), Line("m1", 3));  // No hint for it.
  int seen = observer_.passes;
  watcher.Emit({WatchEvent::Kind::kFileChanged, Path("p/other.jsonl"), ""});
  WaitForAPass(seen);
  EXPECT_EQ(Summary().events, 0u);
  watcher.Emit({WatchEvent::Kind::kRescan, "", "queue overflow"});
  WaitForOutput(3);
  EXPECT_GE(observer_.notices, 1);
}

TEST_F(MonitorTest, AHintReadsOnlyTheNamedFile) {
  FakeWatcher& watcher = fake_watcher_;
  test::WriteFile(Path("p/a.jsonl"), "");
  Start(MonitorMode::kWatch, &watcher);
  test::AppendFile(Path("p/a.jsonl"), Line("m1", 3));
  test::WriteFile(Path("p/b.jsonl"), Line("m2", 5));  // No hint for it.
  watcher.Emit({WatchEvent::Kind::kFileChanged, Path("p/a.jsonl"), ""});
  WaitForOutput(3);
  int seen = observer_.passes;
  watcher.Emit({WatchEvent::Kind::kFileChanged, Path("p/other.jsonl"), ""});
  WaitForAPass(seen);
  EXPECT_EQ(Summary().tokens.output, 3u);  // b waits for a reconcile.
}

TEST_F(MonitorTest, ABurstOfThousandsOfFilesLosesNothing) {
  Start();
  // Three events per file; more than the default inotify queue (16,384)
  // can hold while the monitor is busy: an overflow must cost nothing.
  constexpr int kFiles = 6000;
  for (int i = 0; i < kFiles; ++i) {
    test::WriteFile(Path("burst/s" + std::to_string(i) + ".jsonl"),
                    Line("b" + std::to_string(i), 1));
  }
  WaitForOutput(kFiles);
  EXPECT_EQ(Summary().files_active, static_cast<uint64_t>(kFiles));
}

TEST_F(MonitorTest, AReconcileFindsWhatNoHintNamed) {
  FakeWatcher& watcher = fake_watcher_;  // Says nothing at all.
  test::WriteFile(Path("p/a.jsonl"), Line("m1", 1));
  Start(MonitorMode::kWatch, &watcher, milliseconds(30));
  WaitForOutput(1);
  test::AppendFile(Path("p/a.jsonl"), Line("m2", 2));  // Changed.
  test::WriteFile(Path("q/b.jsonl"), Line("m3", 4));   // New.
  WaitForOutput(7);
  std::filesystem::remove(Path("p/a.jsonl"));          // Vanished.
  WaitFor([&] { return Summary().files_gone == 1; }, "a.jsonl marked gone");
}

TEST_F(MonitorTest, PollingFindsChangesWithoutInotify) {
  Start(MonitorMode::kPoll);
  test::WriteFile(Path("p/a.jsonl"), Line("m1", 3));
  WaitForOutput(3);
  test::AppendFile(Path("p/a.jsonl"), Line("m2", 4));
  WaitForOutput(7);
}

TEST_F(MonitorTest, ARootThatAppearsLaterIsWatched) {
  fs::remove_all(root_);
  Start();
  test::WriteFile(Path("p/a.jsonl"), Line("m1", 3));
  WaitForOutput(3);
  test::AppendFile(Path("p/a.jsonl"), Line("m2", 1));
  WaitForOutput(4);
}

TEST_F(MonitorTest, ARootDeletedAndRecreatedRecovers) {
  test::WriteFile(Path("p/a.jsonl"), Line("m1", 3));
  Start();
  WaitForOutput(3);
  fs::remove_all(root_);
  WaitFor([&] { return observer_.notices >= 1; }, "the loss to be noticed");
  test::WriteFile(Path("q/b.jsonl"), Line("m2", 4));
  WaitForOutput(7);
  // a.jsonl really was deleted with its tree: gone, its events kept.
  WaitFor([&] { return Summary().files_gone == 1; }, "a.jsonl marked gone");
  EXPECT_EQ(Summary().events, 2u);
}

TEST_F(MonitorTest, StoppingFinishesTheRunCleanly) {
  test::WriteFile(Path("p/a.jsonl"), Line("m1", 3));
  Start();
  WaitForOutput(3);
  Stop();
  LedgerSummary s = Summary();
  ASSERT_TRUE(s.last_run.has_value());
  EXPECT_EQ(s.last_run->mode, "monitor");
  EXPECT_EQ(s.last_run->result, "ok");
  EXPECT_TRUE(s.last_run->finished_ms.has_value());
  EXPECT_EQ(s.last_run->counters.events_new, 1u);
}

}  // namespace
}  // namespace cc
