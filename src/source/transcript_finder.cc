#include "source/transcript_finder.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace cc {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxDepth = 16;  // Guards against symlink loops.

bool EndsWithJsonl(const char* name) {
  size_t n = std::strlen(name);
  return n > 6 && std::strcmp(name + n - 6, ".jsonl") == 0;
}

FileIdentity FromStat(const struct stat& st) {
  return FileIdentity{static_cast<uint64_t>(st.st_dev),
                      static_cast<uint64_t>(st.st_ino),
                      static_cast<uint64_t>(st.st_size),
                      static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                          st.st_mtim.tv_nsec};
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

// Walks one directory with readdir and fstatat relative to it (no path
// walk per file: this is most of a no-change sync's time), recursing by
// hand so one unreadable directory is reported and skipped, not fatal.
void ScanDirectory(const std::string& dir, const std::string& root,
                   const std::string& project, int depth, ScanResult* out) {
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) {
    out->problems.push_back({dir, std::strerror(errno), false});
    return;
  }
  DirCloser closer(handle);
  const int fd = dirfd(handle);
  while (const dirent* entry = readdir(handle)) {
    const char* name = entry->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    bool maybe_dir = entry->d_type == DT_DIR || entry->d_type == DT_LNK ||
                     entry->d_type == DT_UNKNOWN;
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
      if (depth < kMaxDepth) {
        ScanDirectory(path, root, depth == 0 ? name : project, depth + 1, out);
      } else {
        out->problems.push_back({path, "directory nesting too deep (a link loop?)",
                                 false});
      }
    } else if (S_ISREG(st.st_mode) && EndsWithJsonl(name)) {
      out->files.push_back({std::move(path), root, project, FromStat(st)});
    }
  }
}

void ScanRoot(const std::string& root, ScanResult* out) {
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
  ScanDirectory(projects, root, "", 0, out);
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
