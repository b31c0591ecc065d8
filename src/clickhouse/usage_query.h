// The ledger's rollup, computed by ClickHouse from the shipped events
// (FINAL), so that every report can run against the whole team's data
// with the same code and the same results as against the ledger.
#pragma once

#include "clickhouse/clickhouse_client.h"
#include "core/result.h"
#include "ledger/ledger_reader.h"

namespace cc {

// The rows of LedgerReader::Usage(filter), from ClickHouse: events summed per
// UTC quarter hour and (project, session, model, source).
Result<UsageData> QueryClickHouseUsage(ClickHouseClient& client,
                                       const UsageFilter& filter);

// LedgerReader::ProjectCwds() over the shipped events (every source).
Result<std::vector<ProjectCwd>> QueryClickHouseProjectCwds(
    ClickHouseClient& client);

// The query QueryClickHouseUsage sends (TabSeparated, 18 columns).
std::string ClickHouseUsageSql(const std::string& database,
                               const UsageFilter& filter);

// 'text' as a ClickHouse string literal.
std::string ClickHouseQuote(std::string_view text);

}  // namespace cc
