// Service: the long-running program — `run` (monitor, dashboard, receiver),
// the monitor of `bridge sync --start-monitoring` / `--interval`, and
// `otel serve` (receiver only) — each part chosen by ServiceOptions. It
// owns the parts, starts them in order, stops them together, and says what
// happened through a ServiceObserver; it prints nothing.
//
// Threads and connections:
//   - the caller's thread runs Run(): it opens the ledger for writing (the
//     writer lock, `holder`), starts the rest, then runs the Monitor on
//     itself (or, without a monitor, waits for the stop). Every transcript
//     commit goes through this writer connection.
//   - the OpenTelemetry receiver serves on http::Server's threads (4
//     handlers); its commits (CommitTelemetry) are serialised by the
//     Service's mutex, on a connection of their own (TelemetryStore::Open) beside
//     the monitor, or on the writer connection when there is no monitor.
//     SQLite serialises the two connections' short transactions.
//   - the dashboard serves on its own threads and reads the ledger through
//     read-only connections of its own (dashboard/).
//   - the BackgroundShipper (clickhouse/) ships on a thread of its own with
//     its own connection (ShipQueue::Open); the rows the monitor commits
//     reach it through an OutboxRowCache in memory.
//   - BackgroundAlerts (alert/) delivers the ledger's alerts on a thread of
//     its own with its own connection (AlertQueue::Open), woken after
//     every monitor pass that committed events and every receiver commit.
// Stop: SIGINT/SIGTERM (the StopSignal) ends the monitor's pass after its
// commit; then the shipper, the dashboard, the receiver and the alerts
// stop, in that order, each finishing the request in hand, and Run
// returns.
//
// A ledger file deleted or replaced under the monitor would take every
// later commit with it: after every pass the Service checks that the path
// still names the file it writes; if not, it says so (OnLedgerReplaced),
// stops every part and starts them all again on the file now at the path
// (a new, empty one if none: the catch-up reads every transcript again).
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "alert/background_alerts.h"
#include "clickhouse/background_shipper.h"
#include "core/status.h"
#include "daemon/monitor.h"
#include "daemon/stop_signal.h"
#include "dashboard/dashboard_server.h"
#include "ledger/commit_hook.h"
#include "otel/otlp_receiver.h"

namespace cc {

class PriceTable;

struct ServiceOptions {
  std::string ledger_path;
  std::string holder;  // The writer lock's holder line.
  const PriceTable* prices = nullptr;
  std::string source;                     // The source label on telemetry.
  std::optional<MonitorOptions> monitor;  // None: `otel serve`.
  std::optional<ShippingTarget> shipping;
  // Where alerts go (none: not delivered by this process), and the alerts
  // log ("" : no file).
  std::optional<AlertChannels> alerts;
  std::string alert_log_path;
  std::optional<DashboardOptions> dashboard;
  std::optional<OtlpReceiverOptions> receiver;
  // Runs inside every commit of each writing connection (the monitor's,
  // the receiver's): the budgets' alerts (budget/budget_evaluator.h).
  CommitHookFactory commit_hook;
  // The receiver failing to start (the default port taken by a collector
  // or another `run`) is said (OnReceiverUnavailable), not an error.
  bool receiver_optional = false;
};

// What the Service did, for the CLI to print. Every call comes on Run's
// thread, but OnNotice, which the shipper's thread makes too (shipping
// failing, stopped, recovered), and the alerts' (each alert's log line,
// delivery failing, given up, recovered).
class ServiceObserver : public MonitorObserver {
 public:
  // The ledger is open and the monitor starts in `mode` (kPoll when
  // inotify failed, after an OnNotice saying so).
  virtual void OnMonitoring(MonitorMode mode) = 0;
  virtual void OnDashboard(const std::string& url) = 0;
  virtual void OnReceiver(const std::string& url) = 0;
  virtual void OnReceiverUnavailable(const Status& why) = 0;
  // `why` says what became of the file; Run starts over after it.
  virtual void OnLedgerReplaced(const Status& why) = 0;
};

// The part a failed Run failed in (the CLI's advice names its flag).
enum class ServicePart { kLedger, kMonitor, kDashboard, kReceiver };

class Service {
 public:
  // `observer` must outlive the Service.
  Service(ServiceOptions options, ServiceObserver& observer);

  // Runs until `stop` is requested (OK) or a part fails to start or the
  // monitor fails (failed_part() says which).
  Status Run(StopSignal& stop);
  ServicePart failed_part() const { return failed_; }

 private:
  class PassCheck;
  Status Session(StopSignal& stop, bool* ledger_replaced);
  Status Fail(ServicePart part, Status status);

  const ServiceOptions options_;
  ServiceObserver& observer_;
  std::mutex telemetry_mu_;  // One receiver commit at a time.
  ServicePart failed_ = ServicePart::kLedger;
};

}  // namespace cc
