#include "source/transcript_finder.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <utility>
#include <system_error>

namespace cc {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxDepth = 16;  // Guards against symlink loops.

bool EndsWithJsonl(const char* name) {
  size_t n = std::strlen(name);
  return n > 6 && std::strcmp(name + n - 6, ".jsonl") == 0;
}

class DirCloser {
 public:
  explicit DirCloser(DIR* dir) : dir_(dir) {}
  ~DirCloser() {
    if (dir_ != nullptr) closedir(dir_);
  }
  DirCloser(const DirCloser&) = delete;
  DirCloser& operator=(const DirCloser&) = delete;

 private:
  DIR* dir_;
};

// Directories already walked, by device and inode: a symlink back up the
// tree (or two links to one directory) is walked once, not in a loop.
using Visited = std::set<std::pair<uint64_t, uint64_t>>;

// Walks one directory with readdir and fstatat relative to it (no path
// walk per file: this is most of a no-change sync's time), recursing by
// hand so one unreadable directory is reported and skipped, not fatal.
void ScanDirectory(const std::string& dir, const std::string& root,
                   const std::string& project, int depth, Visited* visited,
                   ScanResult* out) {
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) {
    out->problems.push_back({dir, std::strerror(errno), false});
    return;
  }
  DirCloser closer(handle);
  const int fd = dirfd(handle);
  // Names in order, so that a directory reachable under two names (a
  // symlink) is always walked under the same one, whatever readdir's order.
  std::vector<std::pair<std::string, unsigned char>> entries;
  while (const dirent* entry = readdir(handle)) {
    if (std::strcmp(entry->d_name, ".") == 0 ||
        std::strcmp(entry->d_name, "..") == 0) {
      continue;
    }
    entries.emplace_back(entry->d_name, entry->d_type);
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& [entry_name, type] : entries) {
    const char* name = entry_name.c_str();
    bool maybe_dir = type == DT_DIR || type == DT_LNK || type == DT_UNKNOWN;
    if (!maybe_dir && !EndsWithJsonl(name)) continue;
    struct stat st;
    if (fstatat(fd, name, &st, 0) != 0) {  // Follows symlinks.
      // A dangling link or a file deleted since readdir: nothing to read.
      if (EndsWithJsonl(name)) {
        out->problems.push_back({dir + "/" + name, std::strerror(errno), false});
      }
      continue;
    }
    std::string path = dir + "/" + name;
    if (S_ISDIR(st.st_mode)) {
      bool first_visit = visited->insert({st.st_dev, st.st_ino}).second;
      if (!first_visit) continue;
      if (depth < kMaxDepth) {
        ScanDirectory(path, root, depth == 0 ? name : project, depth + 1,
                      visited, out);
      } else {
        out->problems.push_back({path, "directory nesting too deep (a link loop?)",
                                 false});
      }
    } else if (S_ISREG(st.st_mode) && EndsWithJsonl(name)) {
      out->files.push_back({std::move(path), root, project, IdentityFromStat(st)});
    }
  }
}

void ScanRoot(const std::string& root, Visited* visited, ScanResult* out) {
  std::string projects = root + "/projects";
  std::error_code ec;
  if (!fs::is_directory(projects, ec)) {
    out->problems.push_back(
        {projects, fs::exists(root, ec) ? "no projects/ directory"
                                        : "does not exist",
         true});
    return;
  }
  out->scanned_roots.push_back(root);
  struct stat st;
  if (stat(projects.c_str(), &st) == 0 &&
      !visited->insert({st.st_dev, st.st_ino}).second) {
    return;  // The same projects/ reached through another root.
  }
  ScanDirectory(projects, root, "", 0, visited, out);
}

// Sorted by path; the same file under two names (a hard link, or a file
// symlink) is kept once, under the first name in path order.
void SortAndDeduplicate(ScanResult* result) {
  std::sort(result->files.begin(), result->files.end(),
            [](const TranscriptFile& a, const TranscriptFile& b) {
              return a.path < b.path;
            });
  // The same file under two names (a hard link, or a file symlink) is read
  // once, under the first name in path order.
  std::set<std::pair<uint64_t, uint64_t>> seen;
  std::erase_if(result->files, [&seen](const TranscriptFile& f) {
    return !seen.insert({f.identity.device, f.identity.inode}).second;
  });
}

}  // namespace

ScanResult DescribeTranscripts(const std::vector<std::string>& paths,
                               const std::vector<std::string>& roots) {
  ScanResult result;
  result.scanned_roots = roots;
  for (const std::string& path : paths) {
    if (!EndsWithJsonl(path.c_str())) continue;
    for (const std::string& root : roots) {
      std::string projects = root + "/projects/";
      if (path.rfind(projects, 0) != 0) continue;
      size_t slash = path.find('/', projects.size());
      if (slash == std::string::npos) slash = projects.size();
      std::string project = path.substr(projects.size(), slash - projects.size());
      struct stat st;
      if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        result.files.push_back({path, root, project, IdentityFromStat(st)});
      }
      break;
    }
  }
  SortAndDeduplicate(&result);
  return result;
}

ScanResult FindTranscripts(const std::vector<std::string>& roots) {
  ScanResult result;
  Visited visited;
  for (const std::string& root : roots) ScanRoot(root, &visited, &result);
  SortAndDeduplicate(&result);
  return result;
}

}  // namespace cc
