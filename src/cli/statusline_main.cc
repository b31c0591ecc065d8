// context-cleaner-statusline: `context-cleaner statusline` as its own small
// executable. Claude Code starts the statusline after every message; the
// full program links libcurl (and its TLS stack), protobuf and more, whose
// loading (symbol binding, constructors) costs ~15-25 ms before main()
// runs, over the statusline's whole budget. This one links only what the
// statusline uses (--as-needed drops the rest); same flags, same output.
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/flags.h"

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    // Accept both `context-cleaner-statusline [flags]` and the full
    // program's `... statusline [flags]` spelling.
    if (!args.empty() && args[0] == "statusline") args.erase(args.begin());
    args.insert(args.begin(), "statusline");
    cc::Result<cc::cli::ParsedArgs> parsed = cc::cli::ParseArgs(args, cc::cli::AllFlags());
    if (!parsed.ok()) {
      cc::cli::PrintError(parsed.status().message());
      return cc::cli::kExitUsage;
    }
    return cc::cli::RunStatusline(*parsed);
  } catch (const std::exception& e) {
    cc::cli::PrintError(std::string("internal error: ") + e.what());
    return 3;
  }
}
