#include "tail/file_identity.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace cc {
namespace {

Result<uint64_t> HashRange(int fd, uint64_t begin, uint64_t length) {
  std::vector<char> bytes(length);
  uint64_t done = 0;
  while (done < length) {
    ssize_t n = pread(fd, bytes.data() + done, length - done,
                      static_cast<off_t>(begin + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("read: ") + strerror(errno));
    if (n == 0) return Status::IoError("file shorter than its checkpoint");
    done += static_cast<uint64_t>(n);
  }
  return Fnv1a64(bytes.data(), bytes.size());
}

}  // namespace

FileIdentity IdentityFromStat(const struct ::stat& st) {
  return FileIdentity{static_cast<uint64_t>(st.st_dev),
                      static_cast<uint64_t>(st.st_ino),
                      static_cast<uint64_t>(st.st_size),
                      static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                          st.st_mtim.tv_nsec};
}

uint64_t Fnv1a64(const char* data, size_t size) {
  uint64_t hash = 14695981039346656037ULL;
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 1099511628211ULL;
  }
  return hash;
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

Result<Fingerprint> ComputeFingerprint(int fd, uint64_t offset) {
  Fingerprint fp;
  fp.head_length = std::min(Fingerprint::kSpanBytes, offset);
  fp.tail_length = fp.head_length;
  Result<uint64_t> head = HashRange(fd, 0, fp.head_length);
  if (!head.ok()) return head.status();
  Result<uint64_t> tail = HashRange(fd, offset - fp.tail_length, fp.tail_length);
  if (!tail.ok()) return tail.status();
  fp.head_hash = *head;
  fp.tail_hash = *tail;
  return fp;
}

}  // namespace cc
