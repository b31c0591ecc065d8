// DashboardApi: the JSON API under /api/ (docs/api.md), /metrics (metrics.h),
// and /healthz, as a function from a request to a response. No sockets here:
// the server (dashboard_server.h) adds HTTP, auth, static files and the
// live event stream; tests call Handle() directly.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "budget/budget_status.h"
#include "dashboard/snapshot.h"
#include "price/price_table.h"
#include "time/time_zone.h"

namespace cc {

struct ApiRequest {
  std::string path;                           // "/api/overview".
  std::map<std::string, std::string> params;  // The query string, decoded.
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
};

// Where the API reads what the snapshot does not hold.
struct ApiSources {
  std::function<std::shared_ptr<const DashboardSnapshot>()> snapshot;
  // A session's requests in time order (at most `limit`).
  std::function<Result<std::vector<SessionEvent>>(const std::string& id,
                                                  size_t limit)>
      session_events;
  std::function<int64_t()> now_ms;
  // Each configured budget's status at `now_ms` (budget/budget_status.h:
  // a handful of indexed reads), read at each request rather than kept in
  // the snapshot: a period turns and a projection moves with the clock,
  // not only with the ledger. NotSupported (or unset): this origin has no
  // budgets (ClickHouse: each machine evaluates its own ledger's).
  std::function<Result<std::vector<BudgetStatus>>(int64_t now_ms)> budgets;
  const PriceTable* prices = nullptr;
  TimeZone default_zone = TimeZone::Utc();
  int default_start_of_week = 0;  // When a request has no weekStart.
  std::string version;  // The program's.
};

// Limits: a session lists at most this many requests; a table at most
// kMaxBreakdownRows rows per request.
inline constexpr size_t kMaxSessionEvents = 10'000;
inline constexpr size_t kMaxBreakdownRows = 1'000;

class DashboardApi {
 public:
  explicit DashboardApi(ApiSources sources) : src_(std::move(sources)) {}

  // Any path: 404 for what is not the API's.
  ApiResponse Handle(const ApiRequest& request) const;

 private:
  ApiResponse Overview(const ApiRequest& r) const;
  ApiResponse Series(const ApiRequest& r) const;
  ApiResponse Breakdown(const ApiRequest& r) const;
  ApiResponse Session(const ApiRequest& r) const;
  ApiResponse Health(const ApiRequest& r) const;
  ApiResponse Telemetry() const;
  ApiResponse Limits() const;
  ApiResponse Budgets() const;

  ApiSources src_;
};

}  // namespace cc
