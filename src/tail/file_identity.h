// FileIdentity and Fingerprint: how a checkpoint recognises "the same file".
//
// A checkpoint is only valid for the bytes it was taken on. On every visit we
// compare device+inode (replaced by rename), size (truncated) and hashes of
// the head bytes and of the bytes just before the offset (rewritten in
// place); any difference means "read it again from 0" (docs/design.md).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "core/result.h"

namespace cc {

struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size_bytes = 0;
  int64_t mtime_ns = 0;

  bool operator==(const FileIdentity&) const = default;
};

struct Fingerprint {
  static constexpr uint64_t kSpanBytes = 4096;

  uint64_t head_length = 0;  // min(kSpanBytes, offset).
  uint64_t head_hash = 0;    // Of bytes [0, head_length).
  uint64_t tail_length = 0;  // min(kSpanBytes, offset).
  uint64_t tail_hash = 0;    // Of bytes [offset - tail_length, offset).

  bool operator==(const Fingerprint&) const = default;
};

FileIdentity IdentityFromStat(const struct ::stat& st);

Result<FileIdentity> StatPath(const std::string& path);

// Why a file of this mode is not read as a transcript ("" for a regular
// file): transcripts are regular files; a FIFO, device or socket at a
// transcript's path is skipped with this reason, never opened blocking.
std::string NotATranscriptReason(mode_t mode);
Result<FileIdentity> StatDescriptor(int fd);

// The bytes a fingerprint of the first `offset` bytes is made of.
struct FingerprintBytes {
  std::string head;  // [0, min(kSpanBytes, offset)).
  std::string tail;  // [offset - min(kSpanBytes, offset), offset).
};

// Reads them from an open file (at most 2 * kSpanBytes). Fails if the file
// is shorter than `offset`.
Result<FingerprintBytes> ReadFingerprintBytes(int fd, uint64_t offset);

Fingerprint FingerprintOf(const FingerprintBytes& bytes);

// FingerprintOf(ReadFingerprintBytes(fd, offset)).
Result<Fingerprint> ComputeFingerprint(int fd, uint64_t offset);

}  // namespace cc
