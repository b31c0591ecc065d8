#include "report/project_names.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "core/edit_distance.h"
#include "core/project_folder.h"

namespace cc {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// "/a/b/" -> "/a/b"; "/" stays.
std::string WithoutTrailingSlash(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

std::string LastComponent(const std::string& path) {
  const std::string p = WithoutTrailingSlash(path);
  const size_t slash = p.rfind('/');
  if (slash == std::string::npos || p.size() == 1) return p;
  return p.substr(slash + 1);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Of a project's cwds, the one to show (ProjectNames::Path).
std::string ChoosePath(const std::string& project,
                       const std::vector<const ProjectCwd*>& cwds) {
  const ProjectCwd* start = nullptr;  // Encodes to the folder name.
  const ProjectCwd* earliest = nullptr;
  for (const ProjectCwd* c : cwds) {
    if (c->cwd.empty()) continue;
    if (EncodeProjectPath(c->cwd) == project &&
        (start == nullptr ||
         std::make_tuple(-static_cast<int64_t>(c->events), c->first_ms, c->cwd) <
             std::make_tuple(-static_cast<int64_t>(start->events),
                             start->first_ms, start->cwd))) {
      start = c;
    }
    if (earliest == nullptr ||
        std::tie(c->first_ms, c->cwd) < std::tie(earliest->first_ms, earliest->cwd)) {
      earliest = c;
    }
  }
  if (start != nullptr) return start->cwd;
  return earliest != nullptr ? earliest->cwd : "";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

Result<ProjectAliases> ParseProjectAliases(std::string_view text) {
  ProjectAliases out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view pair = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view()
                                           : text.substr(comma + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view name =
        eq == std::string_view::npos ? pair : Trim(pair.substr(0, eq));
    const std::string_view alias =
        eq == std::string_view::npos ? std::string_view() : Trim(pair.substr(eq + 1));
    if (name.empty() || alias.empty()) {
      return Status::InvalidArgument(
          std::string("expected name-or-path=Alias pairs separated by commas, "
                      "got '")
              .append(pair)
              .append("'"));
    }
    out.emplace_back(std::string(name), std::string(alias));
  }
  return out;
}

ProjectNames::ProjectNames(const std::vector<ProjectCwd>& cwds,
                           std::string home, const ProjectAliases& aliases)
    : home_(WithoutTrailingSlash(home)) {
  if (home_ == "/") home_.clear();  // "~" would stand for nothing.
  std::map<std::string, std::vector<const ProjectCwd*>> by_project;
  for (const ProjectCwd& c : cwds) by_project[c.project].push_back(&c);
  for (const auto& [project, list] : by_project) {
    projects_[project].path = ChoosePath(project, list);
  }
  // An alias names the projects its key names (without aliases: an alias
  // is not a key for another). A key naming nothing here is kept for
  // other ledgers, silently, as ccusage does.
  std::map<std::string, std::string> alias_of;
  for (const auto& [key, alias] : aliases) {
    for (const std::string& project : Matches(key)) alias_of[project] = alias;
  }
  for (const auto& [project, alias] : alias_of) projects_[project].alias = alias;
}

const ProjectNames::Entry* ProjectNames::Find(const std::string& project) const {
  auto it = projects_.find(project);
  return it == projects_.end() ? nullptr : &it->second;
}

const std::string& ProjectNames::Path(const std::string& project) const {
  static const std::string kNone;
  const Entry* e = Find(project);
  return e != nullptr ? e->path : kNone;
}

std::string ProjectNames::Tilde(const std::string& path) const {
  if (home_.empty()) return path;
  if (path == home_) return "~";
  if (path.size() > home_.size() && path.compare(0, home_.size(), home_) == 0 &&
      path[home_.size()] == '/') {
    return std::string("~").append(path, home_.size());
  }
  return path;
}

std::string ProjectNames::ExpandTilde(std::string_view query) const {
  if (home_.empty() || query.empty() || query[0] != '~') return std::string(query);
  if (query.size() == 1) return home_;
  if (query[1] != '/') return std::string(query);  // ~user: not ours.
  std::string out = home_;
  out.append(query.substr(1));
  return out;
}

std::string ProjectNames::Display(const std::string& project) const {
  const Entry* e = Find(project);
  if (e == nullptr) return project;
  if (!e->alias.empty()) return e->alias;
  return e->path.empty() ? project : Tilde(e->path);
}

std::string ProjectNames::Short(const std::string& project) const {
  const Entry* e = Find(project);
  if (e == nullptr) return project;
  if (!e->alias.empty()) return e->alias;
  return e->path.empty() ? project : LastComponent(e->path);
}

// The projects `query` names, by the first rule that names any: the
// folder, an alias, a path, a last component.
std::vector<std::string> ProjectNames::Matches(const std::string& query) const {
  if (projects_.count(query) > 0) return {query};
  std::vector<std::string> out;
  for (const auto& [project, e] : projects_) {
    if (!e.alias.empty() && e.alias == query) out.push_back(project);
  }
  if (!out.empty()) return out;
  const std::string q = WithoutTrailingSlash(ExpandTilde(query));
  if (q.empty()) return out;
  const std::string encoded = EncodeProjectPath(q);
  if (q.find('/') != std::string::npos) {
    for (const auto& [project, e] : projects_) {
      if (e.path == q) out.push_back(project);
    }
    // A path the events did not record (a cwd that was a sub-directory,
    // or no cwd at all) names the folder it encodes to.
    if (out.empty() && projects_.count(encoded) > 0) out.push_back(encoded);
    return out;
  }
  for (const auto& [project, e] : projects_) {
    const bool named = e.path.empty()
                           ? EndsWith(project, std::string("-").append(encoded))
                           : LastComponent(e.path) == q;
    if (named) out.push_back(project);
  }
  return out;
}

std::string ProjectNames::UnknownMessage(const std::string& query) const {
  std::string message =
      std::string("no project '").append(query).append("' in the ledger");
  if (projects_.empty()) return message.append(" (it holds no usage yet)");
  // Close names: a few edits from the short name or the shown path, or
  // holding the query (case aside).
  const std::string lower = Lower(query);
  const size_t near = std::max<size_t>(2, query.size() / 3);
  std::vector<std::pair<size_t, std::string>> close;
  for (const auto& [project, e] : projects_) {
    const std::string shown = Display(project);
    const size_t d = std::min(EditDistance(query, Short(project)),
                              EditDistance(query, shown));
    const bool holds = Lower(shown).find(lower) != std::string::npos ||
                       Lower(project).find(lower) != std::string::npos;
    if (d <= near || holds) close.emplace_back(holds ? 0 : d, shown);
  }
  std::sort(close.begin(), close.end());
  if (close.size() > 5) close.resize(5);
  std::vector<std::string> names;
  for (auto& c : close) names.push_back(std::move(c.second));
  if (names.empty()) {
    return message.append(" (")
        .append(std::to_string(projects_.size()))
        .append(" projects; `context-cleaner report session` lists them)");
  }
  return message.append("; did you mean ").append(JoinNames(names)).append("?");
}

Result<std::string> ProjectNames::Resolve(std::string_view query) const {
  const std::string q(query);
  if (Trim(q).empty()) {
    return Status::InvalidArgument(
        "expected a project's name, path, alias or folder, got ''");
  }
  std::vector<std::string> found = Matches(q);
  if (found.size() == 1) return found.front();
  if (found.empty()) return Status::InvalidArgument(UnknownMessage(q));
  std::vector<std::string> paths;
  for (const std::string& project : found) {
    const std::string& path = Path(project);
    paths.push_back(path.empty() ? project : Tilde(path));
  }
  std::sort(paths.begin(), paths.end());
  return Status::InvalidArgument(std::string("'")
                                     .append(q)
                                     .append("' names ")
                                     .append(std::to_string(found.size()))
                                     .append(" projects: ")
                                     .append(JoinNames(paths))
                                     .append(" (give the path)"));
}

}  // namespace cc
