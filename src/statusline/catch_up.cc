#include "statusline/catch_up.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "core/clock.h"
#include "ledger/ledger_writer.h"
#include "sync/syncer.h"

namespace cc {

std::vector<std::string> SessionTranscripts(const std::string& transcript_path) {
  std::vector<std::string> out;
  if (transcript_path.empty()) return out;
  std::error_code ec;
  const std::filesystem::path main(transcript_path);
  if (!std::filesystem::is_regular_file(main, ec)) return out;
  out.push_back(transcript_path);
  const std::filesystem::path subagents =
      main.parent_path() / main.stem() / "subagents";
  std::vector<std::string> subs;
  for (std::filesystem::directory_iterator it(subagents, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().extension() == ".jsonl" && it->is_regular_file(ec)) {
      subs.push_back(it->path().string());
    }
  }
  std::sort(subs.begin(), subs.end());
  out.insert(out.end(), subs.begin(), subs.end());
  return out;
}

Result<uint64_t> UnreadBytes(LedgerReader& reader, const std::vector<std::string>& paths) {
  CheckpointMap checkpoints;
  if (Status s = reader.LoadCheckpoints(paths, &checkpoints); !s.ok()) return s;
  uint64_t unread = 0;
  for (const std::string& p : paths) {
    struct stat st {};
    if (stat(p.c_str(), &st) != 0) continue;
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    auto it = checkpoints.find(p);
    const bool same_file = it != checkpoints.end() &&
                           it->second.identity.inode == static_cast<uint64_t>(st.st_ino) &&
                           it->second.identity.device == static_cast<uint64_t>(st.st_dev) &&
                           it->second.offset <= size;
    unread += same_file ? size - it->second.offset : size;
  }
  return unread;
}

CatchUpResult CatchUpSession(LedgerReader& reader, const CatchUpRequest& request) {
  CatchUpResult out;
  const std::vector<std::string> paths = SessionTranscripts(request.transcript_path);
  if (paths.empty()) return out;
  Result<uint64_t> unread = UnreadBytes(reader, paths);
  if (!unread.ok()) {
    out.outcome = CatchUpOutcome::kFailed;
    out.message = unread.status().message();
    return out;
  }
  out.unread_bytes = *unread;
  if (*unread == 0) return out;
  if (*unread > request.max_unread_bytes) {
    out.outcome = CatchUpOutcome::kTooBig;
    out.message = std::to_string(*unread) + " bytes unread: left to a sync";
    return out;
  }
  Result<std::unique_ptr<LedgerWriter>> writer =
      LedgerWriter::Open(request.ledger_path, request.holder, request.prices);
  if (!writer.ok()) {
    out.outcome = writer.status().code() == Status::Code::kBusy ? CatchUpOutcome::kLocked
                                                                : CatchUpOutcome::kFailed;
    out.message = writer.status().message();
    return out;
  }
  SystemClock clock;
  Syncer syncer(writer->get(), clock);
  SyncOptions options;
  options.roots = request.roots;
  options.source = request.source;
  options.mode = SyncMode::kOnce;
  options.jobs = 1;
  options.only_paths = paths;
  Result<SyncReport> report = syncer.Run(options, nullptr);
  if (!report.ok()) {
    out.outcome = CatchUpOutcome::kFailed;
    out.message = report.status().message();
    return out;
  }
  out.outcome = CatchUpOutcome::kSynced;
  return out;
}

}  // namespace cc
