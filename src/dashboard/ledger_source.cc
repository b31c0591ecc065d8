// LedgerSource: DashboardSource over this machine's ledger.
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "dashboard/dashboard_source.h"
#include "dashboard/ledger_change_feed.h"
#include "ledger/ledger_reader.h"

namespace cc {
namespace {

class LedgerSource final : public DashboardSource {
 public:
  LedgerSource(std::unique_ptr<LedgerReader> reader, std::unique_ptr<LedgerReader> sessions,
               LedgerChangeFeed feed, std::string ledger_path, bool shipping_configured)
      : ledger_path_(std::move(ledger_path)),
        reader_(std::move(reader)),
        sessions_(std::move(sessions)),
        feed_(std::move(feed)),
        shipping_configured_(shipping_configured) {}

  // The version and stamp are read before the data: a commit in between
  // is then seen again by the next wait, never missed.
  Result<std::shared_ptr<DashboardSnapshot>> Load(int64_t now_ms) override {
    Result<int64_t> dv = reader_->DataVersion();
    if (dv.ok()) data_version_ = *dv;
    Result<std::string> stamp = reader_->ContentStamp();
    stamp_ = stamp.ok() ? *stamp : "";
    Result<std::shared_ptr<DashboardSnapshot>> s =
        LoadLedgerSnapshot(*reader_, now_ms, shipping_configured_);
    if (s.ok()) {
      (*s)->origin_target = ledger_path_;  // Which ledger the page shows.
      (*s)->alert_deliveries = AlertHealth();
      names_ = ProjectNamesFor((*s)->usage, names_,
                               [this] { return reader_->ProjectCwds(); });
      (*s)->projects = names_;
    }
    if (!s.ok()) {
      // Not read: the next look (a write, or a minute at most) reads again
      // rather than take a heartbeat for "nothing changed".
      data_version_ = -1;
      stamp_.clear();
    }
    return s;
  }

  Result<std::shared_ptr<DashboardSnapshot>> RefreshLiveness(
      const DashboardSnapshot& current) override {
    Result<std::optional<RunInfo>> run = reader_->LastRun();
    if (!run.ok()) return run.status();
    auto s = std::make_shared<DashboardSnapshot>(current);
    s->health.last_run = std::move(*run);
    // A delivery's attempt changes no figure either, but /api/health
    // shows it.
    s->alert_deliveries = AlertHealth();
    return s;
  }

  Result<std::vector<SessionEvent>> SessionEvents(const std::string& id,
                                                  size_t limit) override {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    return sessions_->SessionEvents(id, limit);
  }

  // On the requests' connection: a handful of indexed reads, not the
  // snapshot's (its periods and projections move with the clock).
  Result<std::vector<BudgetStatus>> BudgetStatuses(const DashboardBudgets& b,
                                                   int64_t now_ms) override {
    if (b.budgets.empty()) return std::vector<BudgetStatus>{};
    std::lock_guard<std::mutex> lock(sessions_mu_);
    return ReadBudgetStatus(*sessions_, b.budgets, b.alerts, b.calendar, now_ms, b.projects);
  }

  // A monitor's heartbeat is a commit every few seconds that changes no
  // figure; telling it apart keeps an idle dashboard (and its page) idle.
  // A write seen before its commit is visible (SQLite writes the WAL's
  // frames, then marks the commit in its index, which inotify does not
  // report) is looked at again 50 ms later, doubling to 1.6 s, so such a
  // commit is not left for the minute's look. So is the ledger after a
  // change: the writes of the commit after it may have been drained with
  // the wake of the one seen (a delivery marked right after the alert's
  // commit), before their own commit was visible.
  Change WaitForChange(int stop_fd) override {
    constexpr int kMinuteMs = 60'000;
    // A look at least once a minute, in case a notification was lost.
    int timeout_ms = look_again_ ? 50 : kMinuteMs;
    look_again_ = false;
    for (;;) {
      const LedgerChangeFeed::Wake wake = feed_.Wait(stop_fd, timeout_ms);
      if (wake == LedgerChangeFeed::Wake::kStop) return Change::kStopped;
      Result<int64_t> dv = reader_->DataVersion();
      if (!dv.ok() || *dv == data_version_) {
        timeout_ms = wake == LedgerChangeFeed::Wake::kWrite ? 50
                     : timeout_ms < 1'600                  ? timeout_ms * 2
                                                           : kMinuteMs;
        continue;
      }
      look_again_ = true;
      data_version_ = *dv;
      Result<std::string> stamp = reader_->ContentStamp();
      if (!stamp.ok() || *stamp != stamp_) return Change::kData;
      return Change::kHeartbeat;
    }
  }

 private:
  // The deliveries' health; none when it cannot be read (the dashboard
  // shows the rest all the same).
  std::optional<AlertDeliveryHealth> AlertHealth() {
    if (alerts_ == nullptr) {
      Result<std::unique_ptr<AlertQueue>> opened = AlertQueue::OpenReadOnly(ledger_path_);
      if (!opened.ok()) return std::nullopt;
      alerts_ = std::move(*opened);
    }
    Result<AlertDeliveryHealth> h = alerts_->Health();
    if (!h.ok()) return std::nullopt;
    return *h;
  }

  const std::string ledger_path_;           // Absolute.
  std::unique_ptr<LedgerReader> reader_;    // Load's and WaitForChange's.
  std::unique_ptr<LedgerReader> sessions_;  // Requests' drill-downs, budgets.
  std::mutex sessions_mu_;
  LedgerChangeFeed feed_;
  bool shipping_configured_;
  int64_t data_version_ = -1;
  bool look_again_ = false;  // The last wait saw a change.
  std::string stamp_;  // ContentStamp when last loaded.
  std::shared_ptr<const ProjectNames> names_;  // Load's, kept between loads.
  std::unique_ptr<AlertQueue> alerts_;  // Load's; read-only, opened on first use.
};

}  // namespace

Result<std::unique_ptr<DashboardSource>> OpenLedgerSource(
    const std::string& ledger_path, bool shipping_configured) {
  Result<std::unique_ptr<LedgerReader>> reader = LedgerReader::Open(ledger_path);
  if (!reader.ok()) return reader.status();
  Result<std::unique_ptr<LedgerReader>> sessions = LedgerReader::Open(ledger_path);
  if (!sessions.ok()) return sessions.status();
  Result<LedgerChangeFeed> feed = LedgerChangeFeed::Open(ledger_path);
  if (!feed.ok()) return feed.status();
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(ledger_path, ec);
  return std::unique_ptr<DashboardSource>(
      new LedgerSource(std::move(*reader), std::move(*sessions), std::move(*feed),
                       ec ? ledger_path : absolute.lexically_normal().string(),
                       shipping_configured));
}

}  // namespace cc
