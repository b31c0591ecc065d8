// UTF-8 as the program accepts it (RFC 3629): the shortest form of a scalar
// value, no surrogates, nothing above U+10FFFF. Shared by every writer of
// text that leaves the program (core/json_writer.h, core/terminal_text.h).
// Pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace cc {

// The length (1-4) of the valid UTF-8 sequence starting at text[i], or 0
// when the bytes there are not one: a stray continuation byte, an
// overlong form, a surrogate, a value above U+10FFFF, a sequence cut
// short. Requires i < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t i);

// The longest prefix of `text` of at most max_bytes that does not end
// inside a valid multi-byte sequence (an invalid byte counts as one
// character of its own).
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

}  // namespace cc
