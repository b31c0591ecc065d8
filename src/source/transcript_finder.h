// TranscriptFinder: lists `<root>/projects/**/*.jsonl` (session files and
// `<session>/subagents/agent-*.jsonl`) with their identity.
//
// Never fails as a whole: a missing root, an unreadable directory or a file
// that vanishes mid-scan becomes a ScanProblem and the scan goes on.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "tail/file_identity.h"

namespace cc {

struct TranscriptFile {
  std::string path;
  std::string root;     // The configuration directory it was found under.
  std::string project;  // First directory below projects/ (encoded cwd).
  FileIdentity identity;
};

struct ScanProblem {
  std::string path;
  std::string message;
  bool root_missing = false;  // The root (or its projects/) does not exist.
};

struct ScanResult {
  std::vector<TranscriptFile> files;  // Sorted by path.
  std::vector<ScanProblem> problems;
  std::vector<std::string> scanned_roots;  // Roots whose projects/ was read.
};

// Directory listings kept between scans by a long-running caller (the
// monitor's periodic reconcile): a directory whose device, inode, mtime and
// ctime are unchanged, and whose last change was over a second before it was
// listed (so a later change within the same timestamp tick is impossible),
// is not listed again; its files are still statted. `clock` (which must
// outlive the cache) says when a listing was made. Not thread-safe.
class ScanCache {
 public:
  explicit ScanCache(const Clock& clock);
  ~ScanCache();
  ScanCache(const ScanCache&) = delete;
  ScanCache& operator=(const ScanCache&) = delete;

  // How many listings were taken from the cache instead of the directory.
  uint64_t reused_listings() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

ScanResult FindTranscripts(const std::vector<std::string>& roots,
                           ScanCache* cache = nullptr);

// The listed paths that are transcripts under one of `roots` and exist now,
// described as FindTranscripts would (sorted, each once). Paths outside the
// roots or not ending in .jsonl are ignored; missing ones are left out.
ScanResult DescribeTranscripts(const std::vector<std::string>& paths,
                               const std::vector<std::string>& roots);

}  // namespace cc
