#include "source/transcript_finder.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace cc {
namespace {

namespace fs = std::filesystem;

bool IsTranscript(const fs::directory_entry& entry) {
  std::error_code ec;
  return entry.path().extension() == ".jsonl" && entry.is_regular_file(ec);
}

// "<root>/projects/<project>/..." -> "<project>".
std::string ProjectOf(const fs::path& projects_dir, const fs::path& file) {
  fs::path relative = file.lexically_relative(projects_dir);
  auto first = relative.begin();
  if (first == relative.end() || std::next(first) == relative.end()) return "";
  return first->string();
}

void AddFile(const fs::path& projects, const fs::path& file,
             const std::string& root, ScanResult* out) {
  std::string path = file.string();
  Result<FileIdentity> identity = StatPath(path);
  if (!identity.ok()) {  // Deleted between listing and stat.
    out->problems.push_back({path, identity.status().message(), false});
    return;
  }
  out->files.push_back({path, root, ProjectOf(projects, file), *identity});
}

// Walks one directory level and recurses by hand, so that one unreadable
// directory is reported and skipped instead of ending the whole walk.
void ScanDirectory(const fs::path& projects, const fs::path& dir,
                   const std::string& root, int depth, ScanResult* out) {
  constexpr int kMaxDepth = 16;  // Guards against symlink loops.
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    out->problems.push_back({dir.string(), ec.message(), false});
    return;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      out->problems.push_back({dir.string(), ec.message(), false});
      return;
    }
    std::error_code type_ec;
    if (it->is_directory(type_ec) && depth < kMaxDepth) {
      ScanDirectory(projects, it->path(), root, depth + 1, out);
    } else if (IsTranscript(*it)) {
      AddFile(projects, it->path(), root, out);
    }
  }
}

void ScanRoot(const std::string& root, ScanResult* out) {
  fs::path projects = fs::path(root) / "projects";
  std::error_code ec;
  if (!fs::is_directory(projects, ec)) {
    out->problems.push_back(
        {projects.string(), fs::exists(root, ec) ? "no projects/ directory"
                                                 : "does not exist",
         true});
    return;
  }
  out->scanned_roots.push_back(root);
  ScanDirectory(projects, projects, root, 0, out);
}

}  // namespace

ScanResult FindTranscripts(const std::vector<std::string>& roots) {
  ScanResult result;
  for (const std::string& root : roots) ScanRoot(root, &result);
  std::sort(result.files.begin(), result.files.end(),
            [](const TranscriptFile& a, const TranscriptFile& b) {
              return a.path < b.path;
            });
  // The same file reachable from two roots (a symlinked root) counts once.
  result.files.erase(
      std::unique(result.files.begin(), result.files.end(),
                  [](const TranscriptFile& a, const TranscriptFile& b) {
                    return a.path == b.path;
                  }),
      result.files.end());
  return result;
}

}  // namespace cc
