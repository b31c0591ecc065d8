// UsageRecord and Event: the unit of accounting (see docs/design.md).
//
// A UsageRecord is what one transcript line says about one API response. An
// Event is the merge of every record with the same key: tokens are the
// field-wise maximum, attributes come from the earliest record, ordered by
// (timestamp, file end, file, offset). Merging is commutative and
// associative, so the ledger does not depend on the order in which files or
// lines are read.
#pragma once

#include <cstdint>
#include <string>

#include "core/tokens.h"

namespace cc {

// Where and when a record was seen; the order that picks an event's
// attributes: (timestamp, file end, file, offset).
//
// A resumed session's file copies the earlier session's lines with their
// message ids and timestamps, then adds its own turns: among records of one
// request with the same timestamp, the one in the file that ended first is
// the original (the session where the request was spent). Along a chain
// A -> B -> C, a request new in B and copied into C stays with B, since B
// ended before C. docs/design.md ("Resumed sessions") has the corner.
struct Provenance {
  int64_t timestamp_ms = 0;  // Milliseconds since the Unix epoch, UTC.
  std::string file;          // Transcript path.
  uint64_t offset = 0;       // Byte offset of the line in the file.
  // The latest usage-record timestamp of `file` known when the record was
  // read (the checkpoint's, raised by the read); 0 where no file is known.
  int64_t file_end_ms = 0;

  bool operator<(const Provenance& o) const;
  bool operator==(const Provenance&) const = default;
};

struct Attributes {
  std::string session_id;
  std::string project;  // The encoded project directory under projects/.
  std::string cwd;
  std::string git_branch;
  std::string version;  // Claude Code version.
  std::string model;
  std::string agent_id;  // Subagent id; empty for the main thread.
  bool is_sidechain = false;
  // usage.speed: "fast" (costs more) if any record of the event says so,
  // else the earliest record's; empty if absent.
  std::string speed;
  // usage.inference_geo: "us" (US-only inference, costs more) if any record
  // of the event says so, else the earliest record's; empty if absent.
  std::string inference_geo;

  bool operator==(const Attributes&) const = default;
};

inline constexpr const char* kFastSpeed = "fast";
inline constexpr const char* kUsInferenceGeo = "us";
// The file of an event's provenance when only telemetry has seen it.
inline constexpr const char* kTelemetryProvenance = "otel";

struct UsageRecord {
  std::string key;  // message.id ":" requestId | message.id | uuid.
  Tokens tokens;
  Attributes attributes;
  Provenance provenance;
};

// How a merge treats the attributes of the event merged into:
//  kEarliest - the earliest record's win (transcripts);
//  kAdopt    - as kEarliest, and an event only telemetry has seen
//              (provenance file kTelemetryProvenance) takes the incoming
//              attributes whatever their time (a transcript record joining
//              an event telemetry made);
//  kKeep     - they stay (telemetry, which knows no project or directory).
enum class AttributePolicy { kEarliest, kAdopt, kKeep };

struct Event {
  std::string key;
  Tokens tokens;
  Attributes attributes;  // From the earliest record.
  Provenance first;       // The earliest record.

  static Event FromRecord(const UsageRecord& r);

  // Merges a record with the same key. Returns true if the event changed.
  bool Merge(const UsageRecord& r);
  // Merges another event with the same key: tokens the field-wise maximum,
  // attributes and provenance as `policy` says, fast (and US-only) if
  // either is. Returns
  // true if this changed.
  bool Merge(const Event& other,
             AttributePolicy policy = AttributePolicy::kEarliest);

  bool operator==(const Event&) const = default;
};

}  // namespace cc
