#include "time/time_zone.h"

#include <date/tz.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include "core/civil_time.h"
#include "time/posix_tz_rule.h"

namespace cc {

namespace chr = std::chrono;

namespace {

// Instants are clamped to +-9e11 s (about 28,500 years), so the footer
// rule's years stay within std::chrono::year's +-32,767.
constexpr int64_t kMaxAbsSeconds = 900'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;
// The directory date/tz reads (it has no TZDIR); the footers are read here.
constexpr const char* kZoneDir = "/usr/share/zoneinfo";
constexpr size_t kMaxZoneFileBytes = 1 << 20;  // Real files are < 10 KiB.

int64_t ClampedSeconds(int64_t utc_ms) {
  return std::clamp(chr::floor<chr::seconds>(chr::milliseconds(utc_ms)).count(),
                    -kMaxAbsSeconds, kMaxAbsSeconds);
}

// Why `name` cannot be a zone name, or "" when it can.
std::string NameProblem(std::string_view name) {
  if (name.empty()) return "time zone name is empty";
  std::string quoted = "invalid time zone name '";
  quoted.append(name).append("': ");
  if (name.front() == '/') {
    return quoted + "an absolute path; give a name like 'Europe/Paris'";
  }
  if (name.find("..") != std::string_view::npos) {
    return quoted + "contains '..'";
  }
  if (name.find('\0') != std::string_view::npos) {
    return quoted + "contains a NUL byte";
  }
  return "";
}

// The footer of a version 2+ TZif file, "\n<POSIX TZ string>\n" at its end;
// nullopt for a version 1 file or an empty footer. The rest of the file is
// date/tz's to read.
Result<std::optional<PosixTzRule>> ReadFooter(const std::string& path,
                                              const std::string& where) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes;
  bytes.resize(kMaxZoneFileBytes);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (in.bad() || bytes.size() >= kMaxZoneFileBytes) {
    return Status::Corruption(where + ": cannot read the TZif file");
  }
  if (bytes.size() < 5 || bytes.compare(0, 4, "TZif") != 0) {
    return Status::Corruption(where + ": not a TZif file");
  }
  if (bytes[4] == '\0') return std::optional<PosixTzRule>();  // Version 1.
  const size_t start = bytes.size() < 2 ? std::string::npos
                                        : bytes.rfind('\n', bytes.size() - 2);
  if (bytes.back() != '\n' || start == std::string::npos) {
    return Status::Corruption(where + ": TZif footer is missing");
  }
  const std::string text = bytes.substr(start + 1, bytes.size() - start - 2);
  if (text.empty()) return std::optional<PosixTzRule>();
  std::optional<PosixTzRule> rule = PosixTzRule::Parse(text);
  if (!rule) {
    return Status::Corruption(where + ": bad TZ string in TZif footer: '" +
                              text + "'");
  }
  return rule;
}

// "/usr/share/zoneinfo/posix/Europe/Paris" -> "Europe/Paris"; nullopt for
// a path with no "zoneinfo/" in it.
std::optional<std::string> NameFromPath(std::string_view path) {
  constexpr std::string_view kMarker = "zoneinfo/";
  const size_t at = path.rfind(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view name = path.substr(at + kMarker.size());
  if (name.substr(0, 6) == "posix/") name.remove_prefix(6);
  return std::string(name);
}

std::string Trimmed(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string FormatOffset(int32_t offset_s) {
  const char sign = offset_s < 0 ? '-' : '+';
  const int32_t abs = offset_s < 0 ? -offset_s : offset_s;
  char buf[32];
  if (abs % 60 == 0) {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, abs / 3600,
                  abs / 60 % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", sign, abs / 3600,
                  abs / 60 % 60, abs % 60);
  }
  return buf;
}

}  // namespace

// A zone of the database up to its last transition (`zone`, null for a
// POSIX string) and the footer rule from then on (`rule_from_s`).
struct TimeZone::Source {
  const date::time_zone* zone = nullptr;  // The database's; lives forever.
  std::optional<PosixTzRule> rule;
  int64_t rule_from_s = INT64_MIN;
};

// ---------------------------------------------------------------------------
// Construction.

TimeZone TimeZone::Utc() { return TimeZone("UTC", nullptr); }

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (std::string problem = NameProblem(name); !problem.empty()) {
    return Status::InvalidArgument(problem);
  }
  std::string quoted = "time zone '";
  quoted.append(name).append("'");
  const std::string path = std::string(kZoneDir) + "/" + std::string(name);
  auto source = std::make_shared<Source>();
  try {
    source->zone = date::locate_zone(name);
    // Loads the file now, so that a damaged one fails here.
    source->rule_from_s =
        source->zone->get_info(chr::sys_seconds(chr::seconds(kMaxAbsSeconds)))
            .begin.time_since_epoch()
            .count();
  } catch (const std::exception& e) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
      return Status::InvalidArgument("unknown " + quoted +
                                     " (no such file in " + kZoneDir + ")");
    }
    if (S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument("unknown " + quoted + " (" + path +
                                     " is a directory)");
    }
    if (source->zone == nullptr) {
      return Status::InvalidArgument("unknown " + quoted + " (" + path +
                                     " is not a zone)");
    }
    return Status::Corruption(quoted + " (" + path + "): " + e.what());
  }
  Result<std::optional<PosixTzRule>> rule =
      ReadFooter(path, quoted + " (" + path + ")");
  if (!rule.ok()) return rule.status();
  source->rule = *rule;
  return TimeZone(std::string(name), std::move(source));
}

Result<TimeZone> TimeZone::FromPosixString(std::string_view spec) {
  std::optional<PosixTzRule> rule = PosixTzRule::Parse(spec);
  if (!rule) {
    std::string message = "invalid POSIX TZ string '";
    return Status::InvalidArgument(message.append(spec).append("'"));
  }
  auto source = std::make_shared<Source>();
  source->rule = rule;
  return TimeZone(std::string(spec), std::move(source));
}

TimeZone TimeZone::System() {
  if (const char* tz = std::getenv("TZ"); tz != nullptr) {
    return FromTzVariable(tz);
  }
  Result<TimeZone> zone = FromEtcLocaltime();
  return zone.ok() ? *std::move(zone) : Utc();
}

TimeZone TimeZone::FromTzVariable(std::string_view tz) {
  if (!tz.empty() && tz.front() == ':') tz.remove_prefix(1);
  if (tz.empty()) return Utc();
  Result<TimeZone> zone = Status::InvalidArgument("");
  if (tz.front() != '/') {
    zone = Load(tz);
  } else if (std::optional<std::string> name = NameFromPath(tz)) {
    zone = Load(*name);
  }
  if (!zone.ok()) zone = FromPosixString(tz);
  return zone.ok() ? *std::move(zone) : Utc();
}

Result<TimeZone> TimeZone::FromEtcLocaltime() {
  char target[4096];
  const ssize_t n = readlink("/etc/localtime", target, sizeof target - 1);
  if (n > 0) {
    if (std::optional<std::string> name =
            NameFromPath(std::string_view(target, static_cast<size_t>(n)))) {
      if (Result<TimeZone> zone = Load(*name)) return zone;
    }
  }
  std::ifstream etc_timezone("/etc/timezone");
  std::string text((std::istreambuf_iterator<char>(etc_timezone)), {});
  return Load(Trimmed(text.substr(0, 4096)));
}

// ---------------------------------------------------------------------------
// Queries.

ZoneSpan TimeZone::SpanAt(int64_t utc_s) const {
  if (source_ == nullptr) return {INT64_MIN, INT64_MAX, 0};
  const Source& s = *source_;
  if (s.rule && utc_s >= s.rule_from_s) {
    ZoneSpan span = s.rule->SpanAt(utc_s);
    span.begin_s = std::max(span.begin_s, s.rule_from_s);
    return span;
  }
  const date::sys_info info =
      s.zone->get_info(chr::sys_seconds(chr::seconds(utc_s)));
  int64_t end = info.end.time_since_epoch().count();
  if (s.rule) end = std::min(end, s.rule_from_s);
  return {info.begin.time_since_epoch().count(), end,
          static_cast<int32_t>(info.offset.count())};
}

int32_t TimeZone::OffsetAt(int64_t utc_ms) const {
  return SpanAt(ClampedSeconds(utc_ms)).offset_s;
}

int64_t TimeZone::LocalDay(int64_t utc_ms) const {
  const int64_t utc_s = ClampedSeconds(utc_ms);
  const chr::seconds local(utc_s + SpanAt(utc_s).offset_s);
  return chr::floor<chr::days>(local).count();
}

int64_t TimeZone::LocalDayStart(int64_t day) const {
  const int64_t max_day = kMaxAbsSeconds / kSecondsPerDay;
  const int64_t midnight =
      std::clamp(day, -max_day, max_day) * kSecondsPerDay;  // Local.
  // Offsets are under 26 hours, so local time is before midnight two days
  // earlier. Walk the spans from there; the first with an instant at or
  // after local midnight holds the day's start.
  ZoneSpan span = SpanAt(midnight - 2 * kSecondsPerDay);
  while (true) {
    const int64_t first = std::max(span.begin_s, midnight - span.offset_s);
    if (first < span.end_s) return first * 1000;
    span = SpanAt(span.end_s);
  }
}

int64_t TimeZone::FloorToLocalHour(int64_t utc_ms) const {
  const int64_t utc_s = ClampedSeconds(utc_ms);
  ZoneSpan span = SpanAt(utc_s);
  const chr::seconds local(utc_s + span.offset_s);
  const int64_t start =
      chr::floor<chr::hours>(local).count() * 3600 - span.offset_s;
  // Back over spans of the same offset: the hour starts no earlier than
  // the last change of offset.
  while (span.begin_s > start) {
    const ZoneSpan before = SpanAt(span.begin_s - 1);
    if (before.offset_s != span.offset_s) return span.begin_s * 1000;
    span.begin_s = before.begin_s;
  }
  return start * 1000;
}

std::string TimeZone::FormatLocal(int64_t utc_ms) const {
  const int64_t utc_s = ClampedSeconds(utc_ms);
  const int32_t offset = SpanAt(utc_s).offset_s;
  const chr::sys_seconds local{chr::seconds(utc_s + offset)};
  const chr::sys_days day = chr::floor<chr::days>(local);
  const chr::hh_mm_ss<chr::seconds> time(local - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d",
                static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  std::string out = FormatDate(day.time_since_epoch().count());
  return out.append(buf).append(FormatOffset(offset));
}

}  // namespace cc
