// The dashboard's flags (--host, --port, --auth-token, --auth-token-file)
// and its address on the terminal, shared by the `dashboard` and `run`
// commands.
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

// "context-cleaner: dashboard at URL for SERVES" on stderr (not with -q):
// `serves` is the ledger's path or the ClickHouse the page shows, so two
// dashboards are told apart. `with_token`: the user gave a token, which
// the URL then needs.
void SayDashboardAt(const Context& ctx, const std::string& serves, const std::string& url,
                    bool with_token);

}  // namespace cc::cli
