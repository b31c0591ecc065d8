#include "clickhouse/background_shipper.h"

#include <algorithm>
#include <chrono>

#include "clickhouse/clickhouse_client.h"
#include "clickhouse/schema.h"
#include "clickhouse/shipper.h"
#include "core/clock.h"
#include "ledger/ship_queue.h"

namespace cc {

BackgroundShipper::BackgroundShipper(std::string ledger_path,
                                     ShippingTarget target,
                                     OutboxRowCache* cache, Notice notice)
    : ledger_path_(std::move(ledger_path)),
      target_(std::move(target)),
      cache_(cache),
      notice_(std::move(notice)) {}

void BackgroundShipper::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void BackgroundShipper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool BackgroundShipper::Sleep(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms),
                 [this] { return stopping_; });
  return !stopping_;
}

void BackgroundShipper::Run() {
  Result<std::unique_ptr<ShipQueue>> ledger = ShipQueue::Open(ledger_path_);
  Result<ClickHouseConnection> ch = ConnectClickHouse(target_.endpoint);
  if (!ledger.ok() || !ch.ok()) {
    notice_("shipping disabled: " +
            (ledger.ok() ? ch.status() : ledger.status()).message());
    return;
  }
  SystemClock clock;
  ShipperOptions options;
  options.user = target_.user;
  options.request_timeout_ms = 10'000;
  options.cache = cache_;
  Shipper shipper(**ledger, *ch->client, clock, options);
  ClickHouseSchemaOptions schema;
  schema.database = target_.endpoint.database;
  schema.cluster = target_.cluster;
  const std::string target = target_.endpoint.Redacted();
  int64_t schema_wait_ms = 1000;
  while (true) {
    Status s = shipper.EnsureSchema(schema);
    if (s.ok()) break;
    notice_(s.message() + (shipper.stopped()
                               ? " (shipping STOPPED until restart)"
                               : " (will retry)"));
    if (shipper.stopped()) return;
    if (!Sleep(schema_wait_ms)) return;
    schema_wait_ms = std::min<int64_t>(schema_wait_ms * 2, 300'000);
  }
  bool failing = false;
  while (true) {
    Result<ShipStep> step = shipper.Step(/*flush=*/false);
    if (!step.ok()) {
      notice_("shipping: " + step.status().message());
      if (!Sleep(5'000)) return;
      continue;
    }
    switch (step->what) {
      case ShipStep::What::kSent:
      case ShipStep::What::kSplit:
      case ShipStep::What::kRejectedRow:
        if (failing) notice_("shipping to " + target + " recovered");
        failing = false;
        continue;  // More may be due at once.
      case ShipStep::What::kStopped:
        notice_("shipping to " + target +
                " STOPPED (the outbox is kept): " + step->error);
        return;
      case ShipStep::What::kRetryLater:
        if (!failing) {
          notice_("shipping to " + target +
                  " failing, will retry: " + step->error);
        }
        failing = true;
        break;
      case ShipStep::What::kIdle:
      case ShipStep::What::kWaiting:
        break;
    }
    if (!Sleep(1'000)) return;
  }
}

}  // namespace cc
