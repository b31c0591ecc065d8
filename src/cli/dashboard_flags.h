// The dashboard's flags (--host, --port, --auth-token, --auth-token-file),
// shared by the `dashboard` and `run` commands.
#pragma once

#include "cli/context.h"
#include "cli/flags.h"
#include "core/result.h"
#include "dashboard/dashboard_server.h"

namespace cc::cli {

// The token comes from ResolveAuthToken (cli/auth_token.h); its warnings
// are printed here.
Result<DashboardOptions> DashboardOptionsFrom(const Context& ctx,
                                              const ParsedArgs& args);

// Starts it, saying where on stderr; an error names the flag to change.
// `source` null: the ledger.
Result<std::unique_ptr<DashboardServer>> StartDashboard(
    const Context& ctx, DashboardOptions options,
    std::unique_ptr<DashboardSource> source = nullptr);

}  // namespace cc::cli
