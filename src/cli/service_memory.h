// Memory settings for the long-running commands (`run`, the monitor,
// `dashboard`, `otel serve`).
#pragma once

namespace cc::cli {

// Caps glibc's malloc at two arenas. Each thread that allocates otherwise
// gets an arena of its own, and the server threads (dashboard, OpenTelemetry
// receiver) keep what they freed: about 6 MB more resident after a burst of
// telemetry, for nothing (bench/otel_bench.cc). Call before any thread
// starts; a no-op elsewhere than glibc.
void LimitMallocArenasForService();

}  // namespace cc::cli
