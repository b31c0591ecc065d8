#include "daemon/service.h"

#include <poll.h>

#include <memory>
#include <utility>

#include "clickhouse/outbox_row_cache.h"
#include "core/clock.h"
#include "ledger/ledger_writer.h"
#include "ledger/telemetry_store.h"
#include "watch/inotify_watcher.h"

namespace cc {

// The observer the Monitor sees: after every pass it checks that the
// ledger path still names the file being written; if not, it says so once
// and stops the session, for Run to start the next one.
class Service::PassCheck final : public MonitorObserver {
 public:
  PassCheck(ServiceObserver& observer, const LedgerWriter& ledger, StopSignal& stop,
            BackgroundAlerts* alerts)
      : observer_(observer), ledger_(ledger), stop_(stop), alerts_(alerts) {}

  bool ledger_replaced() const { return ledger_replaced_; }

  void OnPass(const char* why, const SyncReport& report) override {
    if (!ledger_replaced_) {
      if (Status s = ledger_.CheckStillAtPath(); !s.ok()) {
        ledger_replaced_ = true;
        observer_.OnLedgerReplaced(s);
        stop_.Request();
      }
    }
    // Events committed: alerts may have fired with them.
    const RunCounters& c = report.counters;
    if (alerts_ != nullptr && c.events_new + c.events_updated > 0) alerts_->Wake();
    observer_.OnPass(why, report);
  }
  void OnNotice(const std::string& message) override {
    observer_.OnNotice(message);
  }

 private:
  ServiceObserver& observer_;
  const LedgerWriter& ledger_;
  StopSignal& stop_;
  BackgroundAlerts* alerts_;  // May be null.
  bool ledger_replaced_ = false;
};

Service::Service(ServiceOptions options, ServiceObserver& observer)
    : options_(std::move(options)), observer_(observer) {}

Status Service::Fail(ServicePart part, Status status) {
  failed_ = part;
  return status;
}

Status Service::Run(StopSignal& stop) {
  // A session ends early only when its ledger file was deleted or
  // replaced: the next one makes a new ledger there and catches up from
  // every transcript's first byte (an empty ledger has no checkpoints).
  for (;;) {
    bool ledger_replaced = false;
    Status s = Session(stop, &ledger_replaced);
    if (!ledger_replaced) return s;
    stop.Rearm();
  }
}

Status Service::Session(StopSignal& stop, bool* ledger_replaced) {
  std::unique_ptr<OutboxRowCache> row_cache;  // Outlives the ledger's commits.
  // One hook per connection, outliving both (declared first).
  std::unique_ptr<CommitHook> hook, companion_hook;
  if (options_.commit_hook) {
    hook = options_.commit_hook();
    companion_hook = options_.commit_hook();
  }
  Result<std::unique_ptr<LedgerWriter>> ledger = LedgerWriter::Open(
      options_.ledger_path, options_.holder, options_.prices);
  if (!ledger.ok()) return Fail(ServicePart::kLedger, ledger.status());
  (*ledger)->SetCommitHook(hook.get());
  std::optional<MonitorOptions> monitor_options = options_.monitor;
  std::unique_ptr<InotifyWatcher> watcher;
  if (monitor_options) {
    if (options_.shipping) {
      row_cache = std::make_unique<OutboxRowCache>(
          options_.shipping->user, OutboxRowCache::kShipperBytes);
      (*ledger)->SetOutboxTap(row_cache.get());
    }
    if (monitor_options->mode == MonitorMode::kWatch) {
      Result<std::unique_ptr<InotifyWatcher>> created =
          InotifyWatcher::Create();
      if (created.ok()) {
        watcher = std::move(*created);
      } else {
        observer_.OnNotice(created.status().message() + "; polling instead");
        monitor_options->mode = MonitorMode::kPoll;
      }
    }
    observer_.OnMonitoring(monitor_options->mode);
  }
  std::unique_ptr<DashboardServer> dashboard;
  if (options_.dashboard) {
    Result<std::unique_ptr<DashboardServer>> started =
        DashboardServer::Start(*options_.dashboard);
    if (!started.ok()) return Fail(ServicePart::kDashboard, started.status());
    dashboard = std::move(*started);
    observer_.OnDashboard(dashboard->Url());
  }
  std::unique_ptr<BackgroundAlerts> alerts;  // Outlives the receiver's sink.
  if (options_.alerts) {
    alerts = std::make_unique<BackgroundAlerts>(
        options_.ledger_path, *options_.alerts, options_.alert_log_path,
        [this](const std::string& m) { observer_.OnNotice(m); });
    alerts->Start();
  }
  // The receiver: beside a monitor on a connection of its own.
  std::unique_ptr<TelemetryStore> companion;
  std::unique_ptr<OtlpReceiver> receiver;
  if (options_.receiver) {
    TelemetryStore* telemetry_ledger = &(*ledger)->telemetry();
    if (monitor_options) {
      Result<std::unique_ptr<TelemetryStore>> opened =
          TelemetryStore::Open(options_.ledger_path, options_.prices);
      if (!opened.ok()) return Fail(ServicePart::kLedger, opened.status());
      companion = std::move(*opened);
      companion->SetCommitHook(companion_hook.get());
      telemetry_ledger = companion.get();
    }
    TelemetrySink sink = [this, telemetry_ledger,
                          wake = alerts.get()](const TelemetryBatch& b) {
      std::lock_guard<std::mutex> lock(telemetry_mu_);
      Result<TelemetryStats> committed = telemetry_ledger->CommitTelemetry(
          b, options_.source, SystemClock().NowMs());
      if (committed.ok() && wake != nullptr) wake->Wake();
      return committed;
    };
    Result<std::unique_ptr<OtlpReceiver>> started =
        OtlpReceiver::Start(*options_.receiver, std::move(sink));
    if (started.ok()) {
      receiver = std::move(*started);
      observer_.OnReceiver(receiver->Url());
    } else if (options_.receiver_optional) {
      observer_.OnReceiverUnavailable(started.status());
    } else {
      return Fail(ServicePart::kReceiver, started.status());
    }
  }
  std::unique_ptr<BackgroundShipper> shipper;
  if (options_.shipping) {
    shipper = std::make_unique<BackgroundShipper>(
        options_.ledger_path, *options_.shipping, row_cache.get(),
        [this](const std::string& m) { observer_.OnNotice(m); });
    shipper->Start();
  }
  Status s;
  if (monitor_options) {
    SystemClock clock;
    PassCheck check(observer_, **ledger, stop, alerts.get());
    Monitor monitor(**ledger, *monitor_options, clock, watcher.get(), &check);
    s = monitor.Run(stop.fd(), stop.flag());
    *ledger_replaced = check.ledger_replaced();
  } else {
    pollfd p{stop.fd(), POLLIN, 0};
    while (!stop.requested()) poll(&p, 1, 1000);
  }
  if (shipper) shipper->Stop();
  if (dashboard) dashboard->Stop();
  if (receiver) receiver->Stop();
  if (alerts) alerts->Stop();
  return s.ok() ? s : Fail(ServicePart::kMonitor, s);
}

}  // namespace cc
