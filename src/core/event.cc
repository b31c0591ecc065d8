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

namespace {

// A request is fast if any of its lines says so (a streaming partial may
// not carry `usage.speed`): an OR, so the merge stays order-independent.
bool KeepFast(bool was_fast, Attributes& merged) {
  if (!was_fast || merged.speed == kFastSpeed) return false;
  merged.speed = kFastSpeed;
  return true;
}

}  // namespace

bool Event::Merge(const UsageRecord& r) {
  const bool fast =
      attributes.speed == kFastSpeed || r.attributes.speed == kFastSpeed;
  bool changed = tokens.MaxWith(r.tokens);
  if (r.provenance < first) {  // Copies strings only when they are used.
    first = r.provenance;
    attributes = r.attributes;
    changed = true;
  }
  return KeepFast(fast, attributes) || changed;
}

bool Event::Merge(const Event& other, AttributePolicy policy) {
  const bool fast =
      attributes.speed == kFastSpeed || other.attributes.speed == kFastSpeed;
  bool changed = tokens.MaxWith(other.tokens);
  // An event only telemetry has seen has telemetry's attributes alone: the
  // first transcript record to join it brings its own; from then on the
  // earliest transcript record wins, so the order of arrival does not matter.
  const bool adopt =
      policy == AttributePolicy::kAdopt && first.file == kTelemetryProvenance;
  if (adopt || (policy != AttributePolicy::kKeep && other.first < first)) {
    first = other.first;
    attributes = other.attributes;
    changed = true;
  }
  return KeepFast(fast, attributes) || changed;
}

}  // namespace cc
