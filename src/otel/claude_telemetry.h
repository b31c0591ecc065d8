// Claude Code's events in OTLP export requests: `claude_code.api_request`
// and `claude_code.api_error` log records, and the `claude_code.token.usage`
// and `claude_code.cost.usage` metrics, turned into the ledger's
// TelemetryBatch. Everything else in a request is accepted and ignored.
// A record that is Claude Code's but unusable (a required attribute
// missing, a negative, fractional or non-numeric count, a count above
// 2^40 (core/record_bounds.h), a metric point without a recorded value)
// is rejected on its own, with a reason, and nothing of it is stored; the
// rest of the request still counts. So is an api_request or api_error dated
// outside [2023-01-01, now_ms + 1 day]; one with no time at all is dated
// now_ms. Durations may be fractional (they are rounded to the
// millisecond).
//
// Internal to otel/: the OTLP types are protobuf classes generated from
// proto/ (see otlp_codec.h for the interface the rest of the program uses).
#pragma once

#include <cstdint>
#include <string>

#include "ledger/telemetry_store.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"

namespace cc::otel {

struct Extracted {
  TelemetryBatch batch;
  int64_t rejected = 0;
  std::string first_error;  // Why the first rejected record was.
};

Extracted ExtractLogs(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& r,
    int64_t now_ms);
Extracted ExtractMetrics(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& r);

}  // namespace cc::otel
