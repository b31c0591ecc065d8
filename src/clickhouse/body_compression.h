// Compressing request bodies. ClickHouse's HTTP interface inflates a body
// sent with `Content-Encoding: gzip` or `zstd`; the shipper uses zstd at
// level 1: about as small as gzip's best for RowBinary batches at a tenth
// of its CPU, which keeps shipping a small share of a backfill's cost.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace cc {

enum class BodyEncoding { kIdentity, kGzip, kZstd };

// The Content-Encoding header's value ("" for kIdentity).
const char* ContentEncodingName(BodyEncoding encoding);

// `data` compressed as `encoding` says (a copy for kIdentity).
Result<std::string> CompressBody(std::string_view data, BodyEncoding encoding);

// RFC 1952 gzip (zlib, level 1).
Result<std::string> Gzip(std::string_view data);

// RFC 8878 Zstandard frame (libzstd, level 1).
Result<std::string> Zstd(std::string_view data);

}  // namespace cc
