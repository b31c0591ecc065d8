#include "clickhouse/body_compression.h"

#include <zlib.h>
#include <zstd.h>

namespace cc {

const char* ContentEncodingName(BodyEncoding encoding) {
  switch (encoding) {
    case BodyEncoding::kIdentity:
      return "";
    case BodyEncoding::kGzip:
      return "gzip";
    case BodyEncoding::kZstd:
      return "zstd";
  }
  return "";
}

Result<std::string> CompressBody(std::string_view data, BodyEncoding encoding) {
  switch (encoding) {
    case BodyEncoding::kIdentity:
      return std::string(data);
    case BodyEncoding::kGzip:
      return Gzip(data);
    case BodyEncoding::kZstd:
      return Zstd(data);
  }
  return Status::InvalidArgument("unknown body encoding");
}

Result<std::string> Gzip(std::string_view data) {
  if (data.size() > (uInt{1} << 31)) {
    return Status::InvalidArgument("gzip: over 2 GiB in one piece");
  }
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::IoError("zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const size_t written = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::IoError("zlib: deflate failed");
  out.resize(written);
  return out;
}

Result<std::string> Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t written =
      ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  if (ZSTD_isError(written)) {
    return Status::IoError(std::string("zstd: ") + ZSTD_getErrorName(written));
  }
  out.resize(written);
  return out;
}

}  // namespace cc
