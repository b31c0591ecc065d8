// LineParser: one transcript line -> at most one UsageRecord.
//
// Most bytes in real transcripts are tool output on lines that carry no
// usage; those are recognised without parsing (a line can only hold a usage
// record if the bytes `"usage"` occur in it: Claude Code writes keys
// unescaped, and inside a JSON string every quote is escaped). Lines that
// might are parsed completely with simdjson's DOM parser (full JSON and
// UTF-8 validation). The parser never throws and never prints.
//
// Accepted limitation: a usage key spelled with escapes ("\u0075sage"),
// which no Claude Code version writes, is not recognised.
//
// Thread safety: one LineParser per thread; it owns reusable buffers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/event.h"

namespace cc {

enum class LineKind {
  kBlank,    // Empty or whitespace only: ignored, not a reject.
  kNoUsage,  // A valid-looking line that carries no usage (user, summary...).
  kUsage,    // `record` was filled.
  kReject,   // `reject_reason` says why the line cannot be used.
};

// Where the line came from; copied into the record's provenance.
struct LineOrigin {
  std::string_view file;
  std::string_view project;  // Encoded project directory name.
  uint64_t offset = 0;
};

class LineParser {
 public:
  LineParser();
  ~LineParser();
  LineParser(const LineParser&) = delete;
  LineParser& operator=(const LineParser&) = delete;

  // `line` excludes the terminating '\n'. A trailing '\r' and a leading
  // UTF-8 byte-order mark are tolerated. On kUsage fills *record; on kReject
  // fills *reject_reason with a short, stable, human-readable reason. Token
  // counts are held to core/record_bounds.h (null or absent is 0, above
  // kMaxTokenCount a reject).
  LineKind Parse(std::string_view line, const LineOrigin& origin,
                 UsageRecord* record, std::string* reject_reason);

  // True when `line` is a complete JSON value that is an object. Used for a
  // final line without '\n' (an unfinished write unless it is whole).
  bool IsCompleteObject(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Strips a trailing '\r', a leading BOM and surrounding blanks.
std::string_view TrimLine(std::string_view line);

// Cheap pre-filter: can this line carry a usage record at all?
bool MightCarryUsage(std::string_view line);

}  // namespace cc
