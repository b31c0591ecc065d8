// Memory settings for the long-running commands (`run`, the monitor,
// `dashboard`, `otel serve`).
#pragma once

namespace cc::cli {

// Caps glibc's malloc at two arenas. Each thread that allocates otherwise
// gets an arena of its own, and the server threads (dashboard, OpenTelemetry
// receiver) keep what they freed: about 6 MB more resident after a burst of
// telemetry, for nothing (bench/otel_bench.cc). And fixes the size from
// which a block is mapped on its own (1 MiB): glibc otherwise raises that
// threshold to the largest block freed (up to 32 MiB), so after one 16 MiB
// request body every later one came from the heap and stayed resident
// (407 MB after 20 garbage bodies). Call before any thread starts; a no-op
// elsewhere than glibc.
void LimitMallocArenasForService();

}  // namespace cc::cli
