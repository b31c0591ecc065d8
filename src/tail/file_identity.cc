#include "tail/file_identity.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "core/fnv1a.h"

namespace cc {
namespace {

Result<std::string> ReadRange(int fd, uint64_t begin, uint64_t length) {
  std::string bytes(length, '\0');
  uint64_t done = 0;
  while (done < length) {
    ssize_t n = pread(fd, bytes.data() + done, length - done,
                      static_cast<off_t>(begin + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("read: ") + strerror(errno));
    if (n == 0) return Status::IoError("file shorter than its checkpoint");
    done += static_cast<uint64_t>(n);
  }
  return bytes;
}

}  // namespace

FileIdentity IdentityFromStat(const struct ::stat& st) {
  return FileIdentity{static_cast<uint64_t>(st.st_dev),
                      static_cast<uint64_t>(st.st_ino),
                      static_cast<uint64_t>(st.st_size),
                      static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                          st.st_mtim.tv_nsec};
}

Result<FileIdentity> StatPath(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::IoError("stat " + path + ": " + strerror(errno));
  }
  return IdentityFromStat(st);
}

Result<FileIdentity> StatDescriptor(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return Status::IoError(std::string("fstat: ") + strerror(errno));
  }
  return IdentityFromStat(st);
}

Result<FingerprintBytes> ReadFingerprintBytes(int fd, uint64_t offset) {
  uint64_t span = std::min(Fingerprint::kSpanBytes, offset);
  Result<std::string> head = ReadRange(fd, 0, span);
  if (!head.ok()) return head.status();
  Result<std::string> tail = ReadRange(fd, offset - span, span);
  if (!tail.ok()) return tail.status();
  return FingerprintBytes{std::move(*head), std::move(*tail)};
}

Fingerprint FingerprintOf(const FingerprintBytes& bytes) {
  return Fingerprint{bytes.head.size(),
                     Fnv1a64(bytes.head.data(), bytes.head.size()),
                     bytes.tail.size(),
                     Fnv1a64(bytes.tail.data(), bytes.tail.size())};
}

Result<Fingerprint> ComputeFingerprint(int fd, uint64_t offset) {
  Result<FingerprintBytes> bytes = ReadFingerprintBytes(fd, offset);
  if (!bytes.ok()) return bytes.status();
  return FingerprintOf(*bytes);
}
std::string NotATranscriptReason(mode_t mode) {
  if (S_ISREG(mode)) return "";
  const char* kind = S_ISFIFO(mode)   ? "a FIFO"
                     : S_ISCHR(mode)  ? "a character device"
                     : S_ISBLK(mode)  ? "a block device"
                     : S_ISSOCK(mode) ? "a socket"
                     : S_ISDIR(mode)  ? "a directory"
                                      : "not a regular file";
  return std::string("it is ") + kind +
         ", not a regular file: skipped (transcripts are regular files)";
}

}  // namespace cc
