// TotalsCheck: the ledger against ClickHouse, per UTC day, for one source
// (bridge validate --clickhouse URL): events, tokens and cost of this
// machine's events in ClickHouse (FINAL) must equal the ledger's.
#pragma once

#include <string>
#include <vector>

#include "clickhouse/clickhouse_client.h"
#include "ledger/ledger_reader.h"

namespace cc {

struct DayTotals {
  uint64_t events = 0;
  Tokens tokens;
  int64_t cost_nano = 0;
  bool operator==(const DayTotals&) const = default;
};

struct TotalsDifference {
  int64_t day = 0;  // UTC days since the epoch.
  DayTotals ledger;
  DayTotals clickhouse;
};

struct TotalsCheck {
  uint64_t days = 0;
  std::vector<TotalsDifference> differences;
  uint64_t rows_not_yet_shipped = 0;  // A difference is expected then.
  bool ok() const { return differences.empty(); }
};

Result<TotalsCheck> CheckClickHouseTotals(LedgerReader& ledger,
                                          ClickHouseClient& client,
                                          const std::string& source);

}  // namespace cc
