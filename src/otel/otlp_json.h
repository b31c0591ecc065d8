// OTLP/JSON bodies -> the OTLP protobuf messages, decoded with simdjson
// (protobuf's own JsonStringToMessage read ~15,000 log records/s; see
// docs/telemetry.md for the figures).
//
// The rules are the OTLP/JSON encoding's (the OTLP specification, "JSON
// Protobuf Encoding"), which are protobuf's JSON mapping with two changes,
// and where the specification is silent, what protobuf 3.21's parser does
// (otlp_json_test.cc holds this decoder's result against it):
//   - keys are the lowerCamelCase JSON names or the proto field names;
//     unknown keys are ignored, whatever their value;
//   - trace_id and span_id are hex strings (either case), not base64 (the
//     change OTLP makes); other bytes are base64, standard or URL-safe,
//     padded or not, canonical (no stray bits or whitespace);
//   - enums are integers (any int32) or their value names; a name or
//     decimal string that is not one of the enum's values is ignored;
//   - integers may be JSON numbers or decimal strings ("+5", "007"; not
//     " 5", "5.0" or "1e3"), numbers with an integral value ("5.0",
//     "1e3") too; the value must fit the field;
//   - doubles may be numbers or strings (strtod's syntax, "NaN",
//     "Infinity", "-Infinity"); bools true/false, or the strings protobuf
//     takes ("true", "t", "yes", "1", ... any case);
//   - null is the field's absence, in a list too; a list nested in a list
//     is flattened and a single value stands for a list of one, as in
//     protobuf's parser;
//   - two members of one oneof in one object (stringValue and intValue; a
//     proto3 `optional` field twice) is an error; any other key given
//     twice: the later value wins, or for a message field both merge;
//   - objects nest at most 100 deep (protobuf's limit; unknown fields
//     count too).
// Deliberate differences from protobuf 3.21's parser, which is more lenient
// than JSON (RFC 8259): single-quoted strings, bare keys, trailing commas,
// control characters unescaped in strings, escapes like "\x", numbers like
// "1." or "00.5" are refused here; so are integers outside the 64-bit range
// written without a fraction or exponent (simdjson's limit: write 1e20),
// and lists nested over 1,024 deep. An empty key is an unknown field here
// (protobuf refuses it at the root and misreads it elsewhere).
//
// Thread-safe; internal to otel/. After a large body it calls
// malloc_trim (otlp_json.cc says why).
#pragma once

#include <string_view>

#include "core/status.h"

namespace google::protobuf {
class Message;
}

namespace cc::otel {

// Decodes an OTLP/JSON body into `out`, merging into what it holds (pass
// an empty message). `out` must be one of the OTLP messages generated from
// proto/ (no float, map or well-known-type fields). InvalidArgument, with
// the path of the offending value ("resourceLogs[0].scopeLogs[0].
// logRecords[3].timeUnixNano: ..."), when the body is not JSON, not an
// object, or a known field has a value of the wrong type or out of range;
// `out` is then partly filled.
Status DecodeOtlpJson(std::string_view body, google::protobuf::Message* out);

}  // namespace cc::otel
