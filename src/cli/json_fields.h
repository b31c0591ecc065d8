// JSON field groups that several commands print the same way, so a key
// means the same thing in every command's --json output.
#pragma once

#include <cstdint>

#include "core/json_writer.h"
#include "core/tokens.h"
#include "ledger/sync_run.h"

namespace cc::cli {

// filesScanned, filesNew, filesChanged, filesReread, filesGone, bytesRead,
// lines, eventsNew, eventsUpdated, rejectedLines (inside an open object).
void RunCounterFields(JsonWriter& w, const RunCounters& c);

// {"inputTokens",...,"totalTokens","events"} with ccusage's key names.
void TokensObject(JsonWriter& w, const Tokens& t, uint64_t events);

}  // namespace cc::cli
