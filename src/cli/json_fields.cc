#include "cli/json_fields.h"

namespace cc::cli {

void RunCounterFields(JsonWriter& w, const RunCounters& c) {
  w.Field("filesScanned", c.files_scanned)
      .Field("filesNew", c.files_new)
      .Field("filesChanged", c.files_changed)
      .Field("filesReread", c.files_reread)
      .Field("filesGone", c.files_gone)
      .Field("bytesRead", c.bytes_read)
      .Field("lines", c.lines)
      .Field("eventsNew", c.events_new)
      .Field("eventsUpdated", c.events_updated)
      .Field("rejectedLines", c.rejects);
}

void TokensObject(JsonWriter& w, const Tokens& t, uint64_t events) {
  w.BeginObject()
      .Field("inputTokens", t.input)
      .Field("outputTokens", t.output)
      .Field("cacheCreationTokens", t.cache_creation)
      .Field("cacheReadTokens", t.cache_read)
      .Field("totalTokens", t.Total())
      .Field("events", events)
      .EndObject();
}

}  // namespace cc::cli
