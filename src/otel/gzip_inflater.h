// GzipInflater: a gzip (or zlib) body inflated piece by piece as it
// arrives, keeping at most max_output_bytes. A body that inflates to more
// is refused as soon as it passes the limit, so a small compressed body
// (a "gzip bomb": 16 MiB of gzip is gigabytes of zeros) can never become a
// large one in memory. Concatenated gzip members are inflated one after
// the other, as RFC 1952 allows. Not thread-safe; one body per inflater.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cc {

class GzipInflater {
 public:
  explicit GzipInflater(size_t max_output_bytes);
  ~GzipInflater();
  GzipInflater(const GzipInflater&) = delete;
  GzipInflater& operator=(const GzipInflater&) = delete;

  // Inflates the next piece of the compressed body. InvalidArgument: the
  // bytes are not gzip, or are corrupt. Once the output passes the limit
  // over_limit() is true and Feed keeps nothing more (and returns Ok, so
  // the caller can read the rest of the body off the wire). After an error
  // Feed returns that error again.
  Status Feed(std::string_view piece);

  // After the last piece: InvalidArgument if the stream stopped before its
  // end (a truncated body) or held nothing at all.
  Status Finish();

  bool over_limit() const { return over_limit_; }
  // The inflated bytes, at most max_output_bytes of them.
  std::string& output() { return output_; }

 private:
  struct Stream;
  Status Inflate(std::string_view slice);  // At most UINT_MAX bytes.

  std::unique_ptr<Stream> stream_;  // zlib's state; <zlib.h> stays in the .cc.
  size_t max_output_bytes_;
  std::string output_;
  Status error_;
  bool over_limit_ = false;
  bool at_member_end_ = false;  // The last byte fed ended a gzip member.
  bool saw_input_ = false;
};

}  // namespace cc
