// ClickHouseSource: the dashboard over the team's ClickHouse (`dashboard
// --from clickhouse`): every machine's events (or one, `--source`), with
// the same figures as from a ledger (QueryClickHouseUsage computes the
// ledger's rollup rows from `events FINAL`). Changes are noticed by a
// cheap query every few seconds (row count and change_seq sum).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "clickhouse/clickhouse_client.h"
#include "dashboard/dashboard_source.h"

namespace cc {

std::unique_ptr<DashboardSource> MakeClickHouseSource(
    std::unique_ptr<HttpClient> http, ClickHouseEndpoint endpoint,
    std::optional<std::string> only_source, int poll_ms = 5'000);

// The drill-down's query (for tests): a session's events, FINAL, in time
// order, of one machine when `only_source` is set.
std::string ClickHouseSessionSql(const std::string& database,
                                 const std::string& session_id,
                                 const std::optional<std::string>& only_source,
                                 size_t limit);

}  // namespace cc
