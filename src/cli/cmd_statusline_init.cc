// statusline init: the statusLine setting that shows `context-cleaner
// statusline` under Claude Code's prompt (claude_settings/).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "claude_settings/status_line_settings.h"
#include "cli/commands.h"

namespace cc::cli {
namespace {

// `text` as one shell word: as it is when it holds only safe characters,
// else single-quoted ('\'' for a quote inside).
std::string ShellWord(const std::string& text) {
  bool safe = !text.empty();
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == ':';
    safe = safe && ok;
  }
  if (safe) return text;
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted.append("'\\''");
    } else {
      quoted.push_back(c);
    }
  }
  return quoted.append("'");
}

// By absolute path (Claude Code runs the command with its own PATH): the
// small context-cleaner-statusline installed beside this program (it
// starts in a few milliseconds: it does not load libcurl or protobuf),
// else this program with `statusline`.
std::string OurCommand() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "context-cleaner statusline";
  const std::filesystem::path small = self.parent_path() / "context-cleaner-statusline";
  if (::access(small.c_str(), X_OK) == 0) return ShellWord(small.string());
  return ShellWord(self.string()).append(" statusline");
}

}  // namespace

int RunStatusLineInit(const Context& ctx, const ParsedArgs& args) {
  Result<std::string> path = ClaudeSettingsPath(args.Get("--settings"),
                                                std::getenv("CLAUDE_CONFIG_DIR"), std::getenv("HOME"));
  if (!path.ok()) return ErrorExit(path.status());
  const std::string command = args.Get("--command").value_or(OurCommand());
  if (!args.Has("--write")) {
    PrintOut(StatusLineJson(command) + "\n");
    if (ctx.verbosity >= 0) {
      std::fprintf(stderr,
                   "context-cleaner: merge this into %s, or run "
                   "`context-cleaner statusline init --write`\n",
                   path->c_str());
    }
    return kExitOk;
  }
  Result<SettingsUpdate> written = WriteStatusLineSettings(*path, command, args.Has("--force"));
  if (!written.ok()) return ErrorExit(written.status());
  switch (written->outcome) {
    case SettingsUpdate::Outcome::kUnchanged:
      PrintOut(*path + " already shows `" + command + "` as its status line; nothing changed\n");
      break;
    case SettingsUpdate::Outcome::kCreated:
      PrintOut("created " + *path + "; Claude Code shows the status line from its next response\n");
      break;
    case SettingsUpdate::Outcome::kUpdated:
      PrintOut("updated " + *path + " (the old one kept as " + written->backup +
               "); Claude Code shows the status line from its next response\n");
      break;
  }
  return kExitOk;
}

}  // namespace cc::cli
