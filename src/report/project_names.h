// ProjectNames: what a person calls a project, and which project a name
// given on the command line means.
//
// Claude Code files a project's transcripts under its start directory
// with every character that is not a letter or digit replaced by '-'
// ("/home/u/my.app" -> "-home-u-my-app"), so the folder name cannot be
// decoded: "-" may have been "/", ".", "_" or "-". The real path is the
// `cwd` the project's events recorded (ledger ProjectCwds()). A project is
// shown as that path, "~/..." under $HOME, or as its last component where
// space is short; an alias (--project-aliases, the config's
// "projectAliases") replaces both. `--project` accepts any of these names
// and the folder (Resolve).
//
// Pure: built once from the ledger's (project, cwd) pairs; immutable and
// safe to share between threads afterwards. Names are raw data: escape
// them (core/terminal_text.h) before a terminal sees them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/project_folder.h"  // EncodeProjectPath
#include "core/result.h"
#include "ledger/ledger_reader.h"

namespace cc {

// "name-or-path=Alias" pairs, in the order given.
using ProjectAliases = std::vector<std::pair<std::string, std::string>>;

// ccusage's form: "spotter=Spotter,/home/u/x=X" (pairs separated by
// commas, blanks around each part ignored, empty pairs skipped). An error
// names the pair without '=' or with an empty side.
Result<ProjectAliases> ParseProjectAliases(std::string_view text);

class ProjectNames {
 public:
  // No path known: every project is shown as its folder name.
  ProjectNames() = default;
  // `cwds`: every (project, cwd) pair of the events (a project with no
  // cwd has one pair with cwd ""); `home`: $HOME ("" = none).
  ProjectNames(const std::vector<ProjectCwd>& cwds, std::string home,
               const ProjectAliases& aliases = {});

  // The real path of the project: of its cwds, the one whose encoding is
  // the folder name (its start directory) with the most events, else the
  // earliest one (a git worktree, a sub-directory). "" when none is known.
  const std::string& Path(const std::string& project) const;
  // The alias, else the path ("~/..." under home), else the folder.
  std::string Display(const std::string& project) const;
  // The alias, else the path's last component, else the folder.
  std::string Short(const std::string& project) const;

  // The folder that `query` names: the folder itself, an alias, a path
  // ("/home/u/spotter", "~/spotter"; trailing '/' ignored), or a last
  // component ("spotter"). InvalidArgument (a usage error) when it names
  // no project, saying so with up to five close names, or more than one,
  // listing them as paths. Messages quote data raw.
  Result<std::string> Resolve(std::string_view query) const;

  bool Has(const std::string& project) const { return Find(project) != nullptr; }

 private:
  struct Entry {
    std::string path;
    std::string alias;
  };
  const Entry* Find(const std::string& project) const;
  std::string Tilde(const std::string& path) const;
  std::string ExpandTilde(std::string_view query) const;
  std::vector<std::string> Matches(const std::string& query) const;
  std::string UnknownMessage(const std::string& query) const;

  std::string home_;
  std::map<std::string, Entry> projects_;  // By folder name.
};

}  // namespace cc
