// Counted: "1 event", "2 events", "1,204 events" for messages.
#pragma once

#include <cstdint>
#include <string>

#include "report/report_render.h"

namespace cc::cli {

inline std::string Counted(uint64_t n, const char* one, const char* many) {
  std::string out = WithThousands(n);
  return out.append(" ").append(n == 1 ? one : many);
}

}  // namespace cc::cli
