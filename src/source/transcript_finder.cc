#include "source/transcript_finder.h"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_map>
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

// Directories already walked, by device and inode: a symlink back up the
// tree (or two links to one directory) is walked once, not in a loop.
using Visited = std::set<std::pair<uint64_t, uint64_t>>;

using Entries = std::vector<std::pair<std::string, unsigned char>>;

// Names in order, so that a directory reachable under two names (a
// symlink) is always walked under the same one, whatever readdir's order.
bool ListDirectory(const std::string& dir, Entries* out, int* fd,
                   ScanResult* problems) {
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) {
    problems->problems.push_back({dir, std::strerror(errno), false});
    return false;
  }
  while (const dirent* entry = readdir(handle)) {
    if (std::strcmp(entry->d_name, ".") == 0 ||
        std::strcmp(entry->d_name, "..") == 0) {
      continue;
    }
    out->emplace_back(entry->d_name, entry->d_type);
  }
  std::sort(out->begin(), out->end());
  *fd = dup(dirfd(handle));
  closedir(handle);
  return *fd >= 0;
}

int64_t Nanos(const struct timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

}  // namespace

struct ScanCache::Impl {
  explicit Impl(const Clock& c) : clock(c) {}
  const Clock& clock;
  uint64_t reused = 0;
  struct Listing {
    uint64_t device = 0;
    uint64_t inode = 0;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
    int64_t listed_at_ns = 0;
    Entries entries;
  };
  std::unordered_map<std::string, Listing> listings;

  // The cached entries of `dir` if they are still its entries.
  const Entries* Reusable(const std::string& dir, const struct stat& st) {
    auto it = listings.find(dir);
    if (it == listings.end()) return nullptr;
    const Listing& l = it->second;
    constexpr int64_t kSettledNs = 1'000'000'000;
    int64_t last_change = std::max(Nanos(st.st_mtim), Nanos(st.st_ctim));
    bool same = l.device == static_cast<uint64_t>(st.st_dev) &&
                l.inode == static_cast<uint64_t>(st.st_ino) &&
                l.mtime_ns == Nanos(st.st_mtim) &&
                l.ctime_ns == Nanos(st.st_ctim);
    if (!same || l.listed_at_ns - last_change <= kSettledNs) return nullptr;
    ++reused;
    return &l.entries;
  }

  void Store(const std::string& dir, const struct stat& st, int64_t listed_at,
             const Entries& entries) {
    listings[dir] = Listing{static_cast<uint64_t>(st.st_dev),
                            static_cast<uint64_t>(st.st_ino), Nanos(st.st_mtim),
                            Nanos(st.st_ctim), listed_at, entries};
  }
};

ScanCache::ScanCache(const Clock& clock)
    : impl_(std::make_unique<Impl>(clock)) {}
ScanCache::~ScanCache() = default;
uint64_t ScanCache::reused_listings() const { return impl_->reused; }

namespace {

struct Walk {
  const std::string& root;
  Visited* visited;
  ScanCache* cache;
  ScanResult* out;
};

// Walks one directory and recurses by hand, so one unreadable directory is
// reported and skipped, not fatal. Files are statted with fstatat relative
// to the directory (no path walk per file: most of a no-change scan's
// time). `dir_st` is the directory's own stat, taken before it is listed.
void ScanDirectory(const std::string& dir, const struct stat& dir_st,
                   const std::string& project, int depth, const Walk& walk) {
  const Entries* cached =
      walk.cache ? walk.cache->impl().Reusable(dir, dir_st) : nullptr;
  Entries listed;
  int fd = -1;
  if (cached != nullptr) {
    fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      walk.out->problems.push_back({dir, std::strerror(errno), false});
      return;
    }
  } else {
    int64_t listed_at = walk.cache ? walk.cache->impl().clock.NowMs() * 1'000'000 : 0;
    if (!ListDirectory(dir, &listed, &fd, walk.out)) return;
    if (walk.cache) walk.cache->impl().Store(dir, dir_st, listed_at, listed);
  }
  const Entries& entries = cached ? *cached : listed;
  for (const auto& [entry_name, type] : entries) {
    const char* name = entry_name.c_str();
    bool maybe_dir = type == DT_DIR || type == DT_LNK || type == DT_UNKNOWN;
    if (!maybe_dir && !EndsWithJsonl(name)) continue;
    struct stat st;
    if (fstatat(fd, name, &st, 0) != 0) {  // Follows symlinks.
      // A dangling link or a file deleted since it was listed.
      if (EndsWithJsonl(name)) {
        walk.out->problems.push_back(
            {dir + "/" + name, std::strerror(errno), false});
      }
      continue;
    }
    std::string path = dir + "/" + name;
    if (S_ISDIR(st.st_mode)) {
      bool first_visit = walk.visited->insert({st.st_dev, st.st_ino}).second;
      if (!first_visit) continue;
      if (depth < kMaxDepth) {
        ScanDirectory(path, st, depth == 0 ? name : project, depth + 1, walk);
      } else {
        walk.out->problems.push_back(
            {path, "directory nesting too deep (a link loop?)", false});
      }
    } else if (S_ISREG(st.st_mode) && EndsWithJsonl(name)) {
      walk.out->files.push_back(
          {std::move(path), walk.root, project, IdentityFromStat(st)});
    } else if (EndsWithJsonl(name)) {
      walk.out->problems.push_back({path, NotATranscriptReason(st.st_mode), false});
    }
  }
  close(fd);
}

void ScanRoot(const std::string& root, Visited* visited, ScanCache* cache,
              ScanResult* out) {
  std::string projects = root + "/projects";
  std::error_code ec;
  if (!fs::is_directory(projects, ec)) {
    out->problems.push_back(
        {projects, fs::exists(root, ec) ? "no projects/ directory"
                                        : "does not exist",
         true});
    return;
  }
  struct stat st;
  if (stat(projects.c_str(), &st) != 0) {
    out->problems.push_back({projects, std::strerror(errno), true});
    return;
  }
  out->scanned_roots.push_back(root);
  if (!visited->insert({st.st_dev, st.st_ino}).second) {
    return;  // The same projects/ reached through another root.
  }
  ScanDirectory(projects, st, "", 0, Walk{root, visited, cache, out});
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
      if (::stat(path.c_str(), &st) != 0) {
        // Gone since the hint: nothing to describe.
      } else if (S_ISREG(st.st_mode)) {
        result.files.push_back({path, root, project, IdentityFromStat(st)});
      } else {
        result.problems.push_back({path, NotATranscriptReason(st.st_mode), false});
      }
      break;
    }
  }
  SortAndDeduplicate(&result);
  return result;
}

ScanResult FindTranscripts(const std::vector<std::string>& roots,
                           ScanCache* cache) {
  ScanResult result;
  Visited visited;
  for (const std::string& root : roots) {
    ScanRoot(root, &visited, cache, &result);
  }
  SortAndDeduplicate(&result);
  return result;
}

}  // namespace cc
