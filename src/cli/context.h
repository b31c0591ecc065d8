// Context: what every command needs, resolved once from flags and the
// environment: roots, ledger path, source label, output style.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "budget/budget_config.h"
#include "cli/flags.h"
#include "core/result.h"
#include "clickhouse/endpoint.h"
#include "price/price_table.h"

namespace cc::cli {

struct Context {
  std::vector<std::string> roots;
  // No --claude-dir and no CLAUDE_CONFIG_DIR: the two default locations,
  // of which a user usually has one; the other is not worth a warning.
  bool default_roots = false;
  std::string ledger_path;
  std::string source;
  int verbosity = 0;   // -1 quiet, 0 normal, 1 verbose.
  bool color = false;  // Colours only on a terminal and without --no-color.
  bool stderr_tty = false;
  // The price table: the installed data file (else the built-in copy),
  // overlaid with --prices / the config's "prices".
  std::shared_ptr<const PriceTable> prices;
  // The config file's values (--config, else
  // $XDG_CONFIG_HOME/context-cleaner/config.json); flags win over them.
  std::map<std::string, std::string> config;
  // The config's "budgets" and "alerts", checked (docs/budgets.md).
  BudgetConfig budgets;
  // Shipping: --clickhouse (or $CONTEXT_CLEANER_CLICKHOUSE, or the config's
  // "clickhouse"), with the password resolved; unset: no shipping.
  std::optional<ClickHouseEndpoint> clickhouse;
  std::optional<std::string> cluster;  // --cluster NAME
  std::string user_label;              // The `user` on shipped rows ($USER).

  // Holder line for the writer lock: who we are, for whoever finds it taken.
  std::string Holder(const std::string& command) const;
};

Result<Context> ResolveContext(const ParsedArgs& args);

// Pieces of ResolveContext for a command that must not fail on them (the
// statusline resolves only what it uses, and never stops at an error).
std::string DefaultLedgerFile();  // $XDG_DATA_HOME/context-cleaner/ledger.db
std::string DefaultConfigFile();  // $XDG_CONFIG_HOME/context-cleaner/config.json
std::string ThisHostName();
// The installed price table (else the built-in one), `override_path` on top.
Result<std::shared_ptr<const PriceTable>> ResolvePriceTable(
    std::optional<std::string> override_path);

// The flags every command accepts.
const std::vector<std::string>& GlobalFlagNames();
// Every flag of every command (for the parser).
const std::vector<FlagSpec>& AllFlags();

// Printing helpers (only cli/ prints). Strings from input (models,
// projects, sessions, paths, reasons, errors quoting them) may hold
// terminal controls: nothing reaches stdout or stderr without passing
// core/terminal_text.h.
// One line each: the message is escaped whole (TerminalSafe), its
// newlines too.
void PrintError(const std::string& message);
void PrintWarning(const Context& ctx, const std::string& message);
// A text the program laid out: its \n and \t pass, every other control is
// escaped (TerminalSafeLines). Give each data string in it TerminalSafe
// first, so a newline in data cannot start a line of its own.
void PrintOut(const std::string& text);
// A report table (report/report_render.h) as it is: its cells were escaped
// by TextTable, and its only escape sequences are TextTable's colours.
void PrintTable(const std::string& text);
// "no price for model X" once per model per process.
void WarnUnpricedModels(const Context& ctx, const std::set<std::string>& models);

// Exit codes: 0 ok, 1 a check failed, 2 usage error, 3 environment.
int ExitCodeFor(const Status& status);
// PrintError(status's message), then its exit code: a command's "fail here".
int ErrorExit(const Status& status);
constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1;
constexpr int kExitUsage = 2;

}  // namespace cc::cli
