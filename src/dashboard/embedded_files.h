// The dashboard's page, scripts, styles and the charting library, compiled
// into the program (cmake/embed_files.cmake), so it needs no files beside
// it and the page makes no request beyond this server.
#pragma once

#include <cstddef>
#include <string_view>

namespace cc {

struct EmbeddedFile {
  const char* path;          // "/index.html".
  const char* content_type;  // "text/html; charset=utf-8".
  const char* data;
  size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

// The file served at `path` ("/" is "/index.html"); null if none.
const EmbeddedFile* FindEmbeddedFile(std::string_view path);

}  // namespace cc
