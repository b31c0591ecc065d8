#include "otel/gzip_inflater.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>

namespace cc {

struct GzipInflater::Stream {
  z_stream z{};
  bool initialized = false;
  ~Stream() {
    if (initialized) inflateEnd(&z);
  }
};

namespace {

constexpr int kGzipOrZlibHeader = 15 + 32;  // Largest window, header detected.

}  // namespace

GzipInflater::GzipInflater(size_t max_output_bytes)
    : stream_(std::make_unique<Stream>()), max_output_bytes_(max_output_bytes) {
  if (inflateInit2(&stream_->z, kGzipOrZlibHeader) != Z_OK) {
    error_ = Status::IoError("cannot start inflating gzip: out of memory");
    return;
  }
  stream_->initialized = true;
}

GzipInflater::~GzipInflater() = default;

Status GzipInflater::Feed(std::string_view piece) {
  if (!error_.ok()) return error_;
  if (over_limit_ || piece.empty()) return Status::Ok();
  saw_input_ = true;
  while (!piece.empty()) {
    const size_t slice = std::min<size_t>(piece.size(), UINT_MAX);
    if (Status s = Inflate(piece.substr(0, slice)); !s.ok() || over_limit_) {
      return s;
    }
    piece.remove_prefix(slice);
  }
  return Status::Ok();
}

Status GzipInflater::Inflate(std::string_view slice) {
  z_stream& z = stream_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(slice.data()));
  z.avail_in = static_cast<uInt>(slice.size());
  std::array<unsigned char, 64 * 1024> buffer;
  do {
    if (at_member_end_ && z.avail_in > 0) {
      inflateReset(&z);  // The next gzip member of a concatenation.
      at_member_end_ = false;
    }
    z.next_out = buffer.data();
    z.avail_out = static_cast<uInt>(buffer.size());
    const int ret = inflate(&z, Z_NO_FLUSH);
    if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
      error_ = Status::InvalidArgument(
          "the gzip body is corrupt: " +
          std::string(z.msg != nullptr ? z.msg
                                       : "zlib error " + std::to_string(ret)));
      return error_;
    }
    const size_t produced = buffer.size() - z.avail_out;
    if (output_.size() + produced > max_output_bytes_) {
      over_limit_ = true;
      std::string().swap(output_);  // Nothing of it is used; free it now.
      return Status::Ok();
    }
    output_.append(reinterpret_cast<const char*>(buffer.data()), produced);
    if (ret == Z_STREAM_END) at_member_end_ = true;
  } while (z.avail_in > 0 || z.avail_out == 0);
  return Status::Ok();
}

Status GzipInflater::Finish() {
  if (!error_.ok()) return error_;
  if (over_limit_) return Status::Ok();
  if (!saw_input_) {
    error_ = Status::InvalidArgument("the gzip body is empty");
  } else if (!at_member_end_) {
    error_ = Status::InvalidArgument(
        "the gzip body is corrupt: it ends before its gzip stream does");
  }
  return error_;
}

}  // namespace cc
