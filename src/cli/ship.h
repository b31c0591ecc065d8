// Shipping from the command line: after a sync pass, send the outbox to
// ClickHouse when one is configured (docs/clickhouse.md).
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "cli/context.h"
#include "clickhouse/clickhouse_client.h"
#include "clickhouse/outbox_row_cache.h"
#include "clickhouse/schema.h"
#include "ledger/ledger_writer.h"

namespace cc::cli {

// A libcurl connection to ctx.clickhouse (which must be set) and the
// statement runner over it.
struct ClickHouseConnection {
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<ClickHouseClient> client;
};
Result<ClickHouseConnection> ConnectClickHouse(const Context& ctx);

// The schema the context asks for: its database, and --cluster.
ClickHouseSchemaOptions SchemaOptionsFor(const Context& ctx);

struct ShipOutcome {
  bool attempted = false;
  uint64_t rows_sent = 0;
  uint64_t batches_sent = 0;
  uint64_t rows_rejected = 0;
  uint64_t rows_waiting = 0;
  std::string problem;  // Why rows still wait (empty: all shipped).
  bool stopped = false;
};

// Creates the schema if needed, then sends everything it can. Never fails
// the sync: what cannot be sent stays in the outbox, and the outcome says
// why.
// `cache` (may be null) holds rows this process committed (MakeRowCache).
ShipOutcome ShipOutbox(const Context& ctx, LedgerWriter& ledger,
                       OutboxRowCache* cache);

// With --clickhouse: a cache of the rows `ledger` commits, attached to it
// as its outbox tap, for the shipper of this process; else null. It must
// outlive the ledger's commits (declare it before the ledger).
std::unique_ptr<OutboxRowCache> MakeRowCache(const Context& ctx,
                                             LedgerWriter* ledger);

// "shipped 1,234 rows to https://u:***@host:8443/db" or the warning.
std::string ShipOutcomeText(const Context& ctx, const ShipOutcome& o);

// Shipping beside a monitor (--start-monitoring, --interval): a thread of
// its own with its own ledger connection, so an outage never slows
// ingestion. It ships what is due about once a second and says so on
// stderr when shipping starts failing, stops, or recovers.
class BackgroundShipper {
 public:
  // `cache` (may be null) holds the rows the monitor's ledger commits.
  BackgroundShipper(const Context& ctx, OutboxRowCache* cache)
      : ctx_(ctx), cache_(cache) {}
  ~BackgroundShipper() { Stop(); }
  void Start();
  void Stop();

 private:
  void Run();
  bool Sleep(int64_t ms);  // False when stopping.

  const Context& ctx_;
  OutboxRowCache* cache_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace cc::cli
