#include "core/event.h"

#include <tuple>

namespace cc {

bool Provenance::operator<(const Provenance& o) const {
  return std::tie(timestamp_ms, file, offset) <
         std::tie(o.timestamp_ms, o.file, o.offset);
}

Event Event::FromRecord(const UsageRecord& r) {
  return Event{r.key, r.tokens, r.attributes, r.provenance};
}

bool Event::Merge(const UsageRecord& r) {
  bool changed = tokens.MaxWith(r.tokens);
  if (r.provenance < first) {  // Copies strings only when they are used.
    first = r.provenance;
    attributes = r.attributes;
    changed = true;
  }
  return changed;
}

bool Event::Merge(const Event& other) {
  bool changed = tokens.MaxWith(other.tokens);
  if (other.first < first) {
    first = other.first;
    attributes = other.attributes;
    changed = true;
  }
  return changed;
}

}  // namespace cc
