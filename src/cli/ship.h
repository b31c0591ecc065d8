// Shipping from the command line: after a sync pass, send the outbox to
// ClickHouse when one is configured (docs/clickhouse.md).
#pragma once

#include <string>

#include "cli/context.h"
#include "ledger/ledger.h"

namespace cc::cli {

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
ShipOutcome ShipOutbox(const Context& ctx, Ledger& ledger);

// "shipped 1,234 rows to https://u:***@host:8443/db" or the warning.
std::string ShipOutcomeText(const Context& ctx, const ShipOutcome& o);

}  // namespace cc::cli
