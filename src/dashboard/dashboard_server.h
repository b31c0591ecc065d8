// DashboardServer: the dashboard over HTTP (http::Server), served by the
// program itself.
//
//   GET /                 the page (embedded; see embedded_files.h)
//   GET /api/...          DashboardApi (docs/api.md)
//   GET /api/events       server-sent events: `change` with the snapshot's
//                         version whenever the ledger changed, a comment
//                         every 15 s to keep proxies from closing it
//   GET /metrics          Prometheus text; GET /healthz
//
// A refresher thread waits for the DashboardSource to say its data changed
// (the ledger: inotify, no polling), re-reads the snapshot, and wakes the
// event streams. Requests read the current snapshot only.
//
// Security: binds 127.0.0.1 unless told otherwise; any other address needs
// an auth token, and then every request must carry it: `Authorization:
// Bearer TOKEN`, `?token=TOKEN`, or the cookie an answer to a valid
// `?token=` sets (HttpOnly, SameSite=Strict), which is how the page's
// files, fetches and event stream carry it. On loopback without a token,
// requests must name a loopback Host (IsLoopbackHost: no DNS rebinding).
// GET and HEAD only; nothing writes; no file system paths.
#pragma once

#include <memory>
#include <string>

#include "core/listen.h"
#include "core/result.h"
#include "dashboard/dashboard_source.h"
#include "price/price_table.h"
#include "time/time_zone.h"

namespace cc {

struct DashboardOptions {
  std::string host = "127.0.0.1";
  int port = 8110;  // 0: any free port.
  std::string auth_token;
  std::string ledger_path;
  const PriceTable* prices = nullptr;
  TimeZone zone = TimeZone::Utc();
  int start_of_week = 0;  // "This week" and weekly buckets: 0 = Sunday ... 6.
  std::string version;
  bool shipping_configured = false;  // Show the shipping state from the start.
  // The config's budgets (budget/budget_config.h); their calendar is `zone`
  // and `start_of_week` (set by Start).
  DashboardBudgets budgets;
};

class DashboardServer {
 public:
  // Reads the source (null: the ledger at options.ledger_path), binds, and
  // serves on threads of its own. Errors: a non-loopback host without a
  // token, no ledger, the port taken.
  static Result<std::unique_ptr<DashboardServer>> Start(
      DashboardOptions options, std::unique_ptr<DashboardSource> source = nullptr);
  ~DashboardServer();  // Stops.

  int port() const;
  std::string Url() const;  // "http://127.0.0.1:8110/".
  void Stop();

  class Impl;

 private:
  explicit DashboardServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cc
