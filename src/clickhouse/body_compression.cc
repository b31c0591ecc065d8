#include "clickhouse/body_compression.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <memory>

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
  // One context a thread, kept: a new one a call would fault in its tables'
  // pages every time.
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(
      ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!cctx) return Status::IoError("zstd: cannot create a context");
  ZSTD_CCtx_reset(cctx.get(), ZSTD_reset_session_and_parameters);
  const size_t level =
      ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, 1);
  if (ZSTD_isError(level)) {
    return Status::IoError(std::string("zstd: ") + ZSTD_getErrorName(level));
  }
  // The output grows as it is written: a batch compresses to about an
  // eighth, and a buffer of the worst-case size would be touched whole.
  std::string out(std::max<size_t>(size_t{64} << 10, data.size() / 4), '\0');
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  ZSTD_outBuffer o{out.data(), out.size(), 0};
  for (;;) {
    const size_t left = ZSTD_compressStream2(cctx.get(), &o, &in, ZSTD_e_end);
    if (ZSTD_isError(left)) {
      return Status::IoError(std::string("zstd: ") + ZSTD_getErrorName(left));
    }
    if (left == 0) break;
    out.resize(out.size() * 2);
    o.dst = out.data();
    o.size = out.size();
  }
  out.resize(o.pos);
  return out;
}

}  // namespace cc
