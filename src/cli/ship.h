// Shipping from the command line: after a sync pass, send the outbox to
// ClickHouse when one is configured (docs/clickhouse.md).
#pragma once

#include <memory>
#include <string>

#include "cli/context.h"
#include "clickhouse/clickhouse_client.h"
#include "clickhouse/outbox_row_cache.h"
#include "clickhouse/schema.h"
#include "ledger/ledger_writer.h"

namespace cc::cli {

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

}  // namespace cc::cli
