// The OpenTelemetry receiver's flags and its address on the terminal,
// shared by `otel serve` and `run`.
#pragma once

#include <string>

#include "cli/context.h"
#include "cli/flags.h"
#include "otel/otlp_receiver.h"

namespace cc::cli {

Result<OtlpReceiverOptions> OtlpOptionsFrom(const ParsedArgs& args);

// "context-cleaner: OpenTelemetry receiver at URL (...)" on stderr (not
// with -q).
void SayReceiverAt(const Context& ctx, const std::string& url);

}  // namespace cc::cli
