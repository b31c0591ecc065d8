#include "budget/budget_projects.h"

#include "core/project_folder.h"
#include "ledger/ledger_reader.h"

namespace cc {

std::string BudgetProjects::Expand(const std::string& query) const {
  std::string path = query;
  if (!lookup_.home.empty() && (path == "~" || path.rfind("~/", 0) == 0)) {
    path = lookup_.home + path.substr(1);
  }
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
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
  Result<std::vector<ProjectCwd>> cwds = ReadProjectCwds(db);
  if (!cwds.ok()) return cwds.status();
  const ProjectNames names(*cwds, lookup_.home, lookup_.aliases);
  for (size_t i = 0; i < budgets.size(); ++i) {
    if (resolved_[i]) continue;
    const std::string& query = budgets[i].project;
    Result<std::string> folder = names.Resolve(query);
    if (folder.ok()) {
      filters_[i].project_folder = *folder;
      problems_[i].clear();
      resolved_[i] = true;
    } else if (Expand(query).find('/') != std::string::npos) {
      filters_[i].project_folder = EncodeProjectPath(Expand(query));
      problems_[i].clear();
    } else {
      // Counts nothing until the name means one project.
      filters_[i].project_folder = "\n";  // No folder is called that.
      problems_[i] = "project: " + folder.status().message();
    }
  }
  return Status::Ok();
}

}  // namespace cc
