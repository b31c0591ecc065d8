// 64-bit FNV-1a: a small, stable hash (the ledger stores it in file
// fingerprints and price table versions, so it never changes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace cc {

inline uint64_t Fnv1a64(const char* data, size_t size) {
  uint64_t hash = 14695981039346656037ULL;
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace cc
