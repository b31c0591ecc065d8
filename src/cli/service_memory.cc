#include "cli/service_memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace cc::cli {

void LimitMallocArenasForService() {
#if defined(__GLIBC__)
  mallopt(M_ARENA_MAX, 2);
#endif
}

}  // namespace cc::cli
