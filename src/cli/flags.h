// Command-line parsing: words choose the command, flags configure it.
//
// Global flags may appear anywhere; each command declares its own flags.
// Errors name the flag ("--jobs: expected a positive number, got 'x'").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cc::cli {

struct FlagSpec {
  FlagSpec(std::string n, std::string v, std::string h, bool r = false,
           std::string a = "")
      : name(std::move(n)), value(std::move(v)), help(std::move(h)),
        repeatable(r), alias(std::move(a)) {}

  std::string name;       // "--jobs"; a short alias may follow in `alias`.
  std::string value;      // Placeholder ("N"); empty for a switch.
  std::string help;
  bool repeatable = false;
  std::string alias;      // "-v".
};

struct ParsedArgs {
  std::vector<std::string> words;  // Positional words, in order.
  std::map<std::string, std::vector<std::string>> flags;  // By flag name.

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
};

// Parses argv[1..] against `specs` (all flags any command accepts).
// "--flag=value" and "--flag value" are both accepted.
Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                             const std::vector<FlagSpec>& specs);

// Fails with the first flag in `args` that is not in `allowed`.
Status CheckAllowed(const ParsedArgs& args,
                    const std::vector<std::string>& allowed,
                    const std::string& command);

Result<size_t> ParsePositive(const std::string& flag, const std::string& text);

// --jobs: 1 to kMaxJobs (each job holds a 1 MiB buffer and a parser).
inline constexpr size_t kMaxJobs = 64;
Result<size_t> ParseJobs(const std::string& text);

// "--since: 2026-11-31 does not exist: November has 30 days", or the
// expected shape and what was given.
std::string DateFlagError(const std::string& flag, const std::string& text);

// "  --jobs N       Read N files at once..." lines for --help.
std::string FormatFlags(const std::vector<FlagSpec>& specs,
                        const std::vector<std::string>& names);

}  // namespace cc::cli
