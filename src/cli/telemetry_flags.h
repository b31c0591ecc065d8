// The OpenTelemetry receiver's flags and start-up, shared by `otel serve`
// and `run`.
#pragma once

#include <memory>

#include "cli/context.h"
#include "cli/flags.h"
#include "ledger/telemetry_store.h"
#include "otel/otlp_receiver.h"

namespace cc::cli {

Result<OtlpReceiverOptions> OtlpOptionsFrom(const ParsedArgs& args);

// Starts the receiver committing into `ledger` (which must outlive it;
// calls are serialised here), saying where on stderr.
Result<std::unique_ptr<OtlpReceiver>> StartOtlpReceiver(const Context& ctx,
                                                        const ParsedArgs& args,
                                                        TelemetryStore& ledger);

}  // namespace cc::cli
