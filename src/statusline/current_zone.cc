#include "statusline/current_zone.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace cc {
namespace {

// TZif files are a few kilobytes; a larger one is not read whole.
constexpr size_t kMaxTzifBytes = 1 << 20;

Result<std::string> ReadSmallFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IoError("cannot open " + path);
  std::string data;
  char buf[8192];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && data.size() <= kMaxTzifBytes) {
    data.append(buf, n);
  }
  std::fclose(f);
  if (data.size() > kMaxTzifBytes) return Status::InvalidArgument(path + ": too large");
  return data;
}

}  // namespace

Result<TimeZone> ZoneFromTzifFooter(const std::string& path) {
  Result<std::string> data = ReadSmallFile(path);
  if (!data.ok()) return data.status();
  const std::string& d = *data;
  // "TZif", a version byte ('2', '3', '4'...; 0 for version 1: no footer).
  if (d.size() < 6 || d.compare(0, 4, "TZif") != 0 || d[4] < '2' || d.back() != '\n') {
    return Status::InvalidArgument(path + ": not a TZif file with a footer");
  }
  const size_t start = d.rfind('\n', d.size() - 2);
  if (start == std::string::npos || start + 2 >= d.size()) {
    return Status::InvalidArgument(path + ": no rule in its footer");
  }
  return TimeZone::FromPosixString(std::string_view(d).substr(start + 1, d.size() - start - 2));
}

TimeZone CurrentSystemZone() {
  const char* tz = std::getenv("TZ");
  std::string path = "/etc/localtime";
  if (tz != nullptr) {
    std::string_view v(tz);
    if (!v.empty() && v.front() == ':') v.remove_prefix(1);
    if (v.empty()) return TimeZone::Utc();  // As glibc.
    if (v.front() == '/') {
      path = std::string(v);
    } else if (v.find("..") == std::string_view::npos) {
      path = std::string("/usr/share/zoneinfo/").append(v);
    } else {
      path.clear();
    }
    if (path.empty()) return TimeZone::System();
    // A POSIX TZ string rather than a name ("JST-9").
    if (Result<TimeZone> rule = ZoneFromTzifFooter(path); rule.ok()) return *rule;
    if (Result<TimeZone> rule = TimeZone::FromPosixString(v); rule.ok()) return *rule;
    return TimeZone::System();
  }
  Result<TimeZone> rule = ZoneFromTzifFooter(path);
  return rule.ok() ? *rule : TimeZone::System();
}

}  // namespace cc
