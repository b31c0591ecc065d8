#include "cli/service_memory.h"

// Any C library header defines __GLIBC__ (the test below was false without
// one, and these settings never applied).
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace cc::cli {

void LimitMallocArenasForService() {
#if defined(__GLIBC__)
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

}  // namespace cc::cli
