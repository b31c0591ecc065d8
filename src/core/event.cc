#include "core/event.h"

#include <tuple>

namespace cc {

bool Provenance::operator<(const Provenance& o) const {
  return std::tie(timestamp_ms, file_end_ms, file, offset) <
         std::tie(o.timestamp_ms, o.file_end_ms, o.file, o.offset);
}

Event Event::FromRecord(const UsageRecord& r) {
  return Event{r.key, r.tokens, r.attributes, r.provenance};
}

namespace {

// What raises a request's price, seen before a merge: a request is fast
// (or US-only) if any of its lines says so (a streaming partial may not
// carry `usage.speed` or `usage.inference_geo`): an OR, so the merge stays
// order-independent.
struct Surcharges {
  bool fast = false;
  bool us = false;

  static Surcharges Of(const Attributes& a, const Attributes& b) {
    return Surcharges{a.speed == kFastSpeed || b.speed == kFastSpeed,
                      a.inference_geo == kUsInferenceGeo ||
                          b.inference_geo == kUsInferenceGeo};
  }

  // Puts them back on the merged attributes; true if that changed them.
  bool KeepIn(Attributes& merged) const {
    bool changed = false;
    if (fast && merged.speed != kFastSpeed) {
      merged.speed = kFastSpeed;
      changed = true;
    }
    if (us && merged.inference_geo != kUsInferenceGeo) {
      merged.inference_geo = kUsInferenceGeo;
      changed = true;
    }
    return changed;
  }
};

// The same line read again after its file grew (a backfill, or a re-read
// from 0) brings a later end for its file: the line keeps the latest end
// known, so that a copy merged while its file held nothing else (its end
// then the original's) yields to the original once its file has grown.
bool RaiseFileEnd(Provenance& first, const Provenance& again) {
  if (again.file_end_ms <= first.file_end_ms || again.offset != first.offset ||
      again.timestamp_ms != first.timestamp_ms || again.file != first.file) {
    return false;
  }
  first.file_end_ms = again.file_end_ms;
  return true;
}

}  // namespace

bool Event::Merge(const UsageRecord& r) {
  const Surcharges surcharges = Surcharges::Of(attributes, r.attributes);
  bool changed = tokens.MaxWith(r.tokens);
  changed = RaiseFileEnd(first, r.provenance) || changed;
  if (r.provenance < first) {  // Copies strings only when they are used.
    first = r.provenance;
    attributes = r.attributes;
    changed = true;
  }
  return surcharges.KeepIn(attributes) || changed;
}

bool Event::Merge(const Event& other, AttributePolicy policy) {
  const Surcharges surcharges = Surcharges::Of(attributes, other.attributes);
  bool changed = tokens.MaxWith(other.tokens);
  // An event only telemetry has seen has telemetry's attributes alone: the
  // first transcript record to join it brings its own; from then on the
  // earliest transcript record wins, so the order of arrival does not matter.
  const bool adopt =
      policy == AttributePolicy::kAdopt && first.file == kTelemetryProvenance;
  if (policy != AttributePolicy::kKeep) {
    changed = RaiseFileEnd(first, other.first) || changed;
  }
  if (adopt || (policy != AttributePolicy::kKeep && other.first < first)) {
    first = other.first;
    attributes = other.attributes;
    changed = true;
  }
  return surcharges.KeepIn(attributes) || changed;
}

}  // namespace cc
