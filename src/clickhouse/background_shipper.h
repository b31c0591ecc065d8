// BackgroundShipper: the Shipper on a thread of its own, beside a process
// that writes the ledger (the monitor, the OpenTelemetry receiver), with
// its own ledger connection (ShipQueue::Open), so an outage never
// slows ingestion. It ships what is due about once a second, retries the
// schema (1 s, doubling to 5 min) and failed batches, and says so through
// `notice` when shipping starts failing, stops, or recovers.
//
// It lives here, not in daemon/, because it is shipping policy (when to
// retry, what to say) over Shipper and ClickHouseClient alone: `otel
// serve` and daemon's Service both run it, and it needs nothing of theirs.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "clickhouse/endpoint.h"
#include "clickhouse/outbox_row_cache.h"

namespace cc {

// Where and as whom rows are shipped.
struct ShippingTarget {
  ClickHouseEndpoint endpoint;
  std::optional<std::string> cluster;  // ON CLUSTER for the schema.
  std::string user;                    // The `user` on shipped rows.
};

class BackgroundShipper {
 public:
  // Called on the shipper's thread, one line a person should read.
  using Notice = std::function<void(const std::string&)>;

  // `cache` (may be null) holds the rows the writer's ledger commits; it
  // must outlive Stop.
  BackgroundShipper(std::string ledger_path, ShippingTarget target,
                    OutboxRowCache* cache, Notice notice);
  ~BackgroundShipper() { Stop(); }
  BackgroundShipper(const BackgroundShipper&) = delete;
  BackgroundShipper& operator=(const BackgroundShipper&) = delete;

  void Start();  // Starts the thread (once).
  void Stop();   // Wakes it and joins it; a request in flight finishes.

 private:
  void Run();
  bool Sleep(int64_t ms);  // False when stopping.

  const std::string ledger_path_;
  const ShippingTarget target_;
  OutboxRowCache* cache_;
  const Notice notice_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace cc
