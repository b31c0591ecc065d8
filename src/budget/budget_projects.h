// BudgetProjects: which of the ledger's project folders each budget's
// "project" names, by the rules of the CLI's --project
// (report/project_names.h: a name, a path, "~/...", an alias or the
// folder), and so which usage each budget counts (SpendFilter).
//
// A name is looked up in the ledger's projects once it resolves; while it
// does not (no usage of that project yet), again whenever usage of a new
// project or source appears. A path no usage names yet counts the folder
// it encodes to (Claude Code's naming), so a budget set up before the
// project's first request counts from that request on.
// Thread safety: none; one owner.
#pragma once

#include <string>
#include <vector>

#include "budget/budget_config.h"
#include "budget/spend_cache.h"
#include "core/status.h"
#include "report/project_names.h"

namespace cc {

namespace sql {
class Database;
}

// How a budget's "project" is found: $HOME for "~/...", the config's
// "projectAliases".
struct ProjectLookup {
  std::string home;
  ProjectAliases aliases;
};

class BudgetProjects {
 public:
  explicit BudgetProjects(ProjectLookup lookup) : lookup_(std::move(lookup)) {}

  // Brings the filters up to date for `budgets` (the same list every
  // call), reading the ledger's projects from `db` when a budget's is
  // unresolved and `pairs_seen` (SpendCache::pairs_seen) grew since.
  Status Update(sql::Database& db, const std::vector<Budget>& budgets,
                size_t pairs_seen);

  // Budget i's filter, and why it counts nothing ("" when it counts).
  const SpendFilter& filter(size_t i) const { return filters_[i]; }
  const std::string& problem(size_t i) const { return problems_[i]; }

 private:
  std::string Expand(const std::string& query) const;

  ProjectLookup lookup_;
  std::vector<SpendFilter> filters_;
  std::vector<std::string> problems_;
  std::vector<bool> resolved_;
  size_t pairs_at_last_read_ = SIZE_MAX;
};

}  // namespace cc
