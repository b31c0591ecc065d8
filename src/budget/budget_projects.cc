#include "budget/budget_projects.h"

#include <optional>

#include "core/project_folder.h"
#include "ledger/ledger_reader.h"

namespace cc {

std::string BudgetProjects::Expand(const std::string& query) const {
  std::string path = query;
  if (!lookup_.home.empty() && (path == "~" || path.rfind("~/", 0) == 0)) {
    path = std::string(lookup_.home).append(query, 1);
  }
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

bool BudgetProjects::IsAlias(const std::string& query) const {
  for (const auto& [name, alias] : lookup_.aliases) {
    if (alias == query) return true;
  }
  return false;
}

Result<bool> BudgetProjects::ResolveByFolder(sql::Database& db, size_t i,
                                             const std::string& query) {
  if (IsAlias(query)) return false;
  const std::string path = Expand(query);
  const std::string folder =
      path.find('/') != std::string::npos ? EncodeProjectPath(path) : query;
  Result<bool> found = HasProjectFolder(db, folder);
  if (!found.ok() || !*found) return found;
  filters_[i].project_folder = folder;
  filters_[i].nothing = false;
  problems_[i].clear();
  resolved_[i] = true;
  return true;
}

void BudgetProjects::ResolveByName(const ProjectNames& names, size_t i,
                                   const std::string& query) {
  Result<std::string> folder = names.Resolve(query);
  filters_[i].nothing = false;
  if (folder.ok()) {
    filters_[i].project_folder = *folder;
    problems_[i].clear();
    resolved_[i] = true;
  } else if (Expand(query).find('/') != std::string::npos) {
    filters_[i].project_folder = EncodeProjectPath(Expand(query));
    problems_[i].clear();
  } else {
    // Counts nothing until the name means one project.
    filters_[i].nothing = true;
    problems_[i] = std::string("project: ").append(folder.status().message());
  }
}

Status BudgetProjects::Update(sql::Database& db, const std::vector<Budget>& budgets,
                              size_t pairs_seen) {
  if (filters_.size() != budgets.size()) {
    filters_.assign(budgets.size(), SpendFilter{});
    problems_.assign(budgets.size(), "");
    resolved_.assign(budgets.size(), false);
    for (size_t i = 0; i < budgets.size(); ++i) {
      filters_[i].source = budgets[i].source;
      resolved_[i] = budgets[i].project.empty();
    }
    pairs_at_last_read_ = SIZE_MAX;
  }
  bool pending = false;
  for (bool r : resolved_) pending = pending || !r;
  if (!pending || pairs_seen == pairs_at_last_read_) return Status::Ok();
  pairs_at_last_read_ = pairs_seen;
  // A folder, or a path to one, is looked up by its index; names and
  // aliases need every project's path (a few reads per project).
  std::optional<ProjectNames> names;
  for (size_t i = 0; i < budgets.size(); ++i) {
    if (resolved_[i]) continue;
    Result<bool> by_folder = ResolveByFolder(db, i, budgets[i].project);
    if (!by_folder.ok()) return by_folder.status();
    if (*by_folder) continue;
    if (!names) {
      Result<std::vector<ProjectCwd>> cwds = ReadProjectCwds(db);
      if (!cwds.ok()) return cwds.status();
      names.emplace(*cwds, lookup_.home, lookup_.aliases);
    }
    ResolveByName(*names, i, budgets[i].project);
  }
  return Status::Ok();
}

}  // namespace cc
