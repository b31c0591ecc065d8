#include "report/time_zone.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/civil_time.h"

namespace cc {
namespace {

using time_zone_internal::PosixRule;
using time_zone_internal::RuleDate;

constexpr int64_t kSecondsPerDay = 86'400;
constexpr int64_t kSecondsPerHour = 3'600;
// Instants are clamped to +-1e14 s (about 3.17 million years), so every
// sum below and every year handed to DaysFromCivil stays in range.
constexpr int64_t kMaxAbsSeconds = 100'000'000'000'000;
constexpr int64_t kMaxAbsDay = kMaxAbsSeconds / kSecondsPerDay;
// RFC 8536: an offset is more than -25 hours and less than 26 hours.
// LocalDayStart relies on |offset| < 26 h.
constexpr int32_t kMinOffset = -89'999;
constexpr int32_t kMaxOffset = 93'599;
constexpr int kMaxRuleHours = 167;  // RFC 8536 section 3.3.1.
// Rules are expanded into transitions up to the start of 2101 (see
// ExpandRule); 4133980800 is 2101-01-01T00:00:00Z.
constexpr int64_t kExpandThroughYear = 2100;
constexpr int64_t kExpandUntilSeconds = 4'133'980'800;
constexpr size_t kMaxZoneFileBytes = 1 << 20;  // Real files are < 10 KiB.
constexpr size_t kTzifHeaderBytes = 44;
constexpr const char* kDefaultZoneDir = "/usr/share/zoneinfo";

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

int64_t ClampedSeconds(int64_t utc_ms) {
  return std::clamp(FloorDiv(utc_ms, 1000), -kMaxAbsSeconds, kMaxAbsSeconds);
}

bool IsLeapYear(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

int64_t YearOfDay(int64_t days_since_epoch) {
  return CivilFromDays(days_since_epoch).year;
}

int64_t YearOfSeconds(int64_t utc_s) {
  return YearOfDay(FloorDiv(utc_s, kSecondsPerDay));
}

int64_t FirstDayOfMonth(int64_t year, int month) {
  return DaysFromCivil(static_cast<int>(year), static_cast<unsigned>(month), 1);
}

// ---------------------------------------------------------------------------
// POSIX TZ rules.

// Days since the epoch of a rule's day in `year`.
int64_t RuleDay(const RuleDate& date, int64_t year) {
  const int64_t jan1 = FirstDayOfMonth(year, 1);
  switch (date.kind) {
    case RuleDate::Kind::kJulian:
      return jan1 + date.day - 1 + (IsLeapYear(year) && date.day >= 60 ? 1 : 0);
    case RuleDate::Kind::kDayOfYear:
      return jan1 + date.day;
    case RuleDate::Kind::kMonthWeek:
      break;
  }
  const int64_t first = FirstDayOfMonth(year, date.month);
  const int64_t first_weekday = FloorMod(first + 4, 7);  // 1970-01-01: Thu.
  int64_t day =
      first + FloorMod(date.weekday - first_weekday, 7) + 7 * (date.week - 1);
  const int64_t last = first + DaysInMonth(year, date.month) - 1;
  while (day > last) day -= 7;  // Week 5 means the last such weekday.
  return day;
}

struct RuleEvent {
  int64_t at_s;  // UTC.
  bool to_dst;
};

// Time order; at equal instants the change to daylight time is the later,
// so it wins: that is how an all-year daylight rule ("EST5EDT,0/0,J365/25")
// ends one year exactly as the next begins.
bool Before(const RuleEvent& a, const RuleEvent& b) {
  return a.at_s != b.at_s ? a.at_s < b.at_s : a.to_dst < b.to_dst;
}

std::array<RuleEvent, 2> YearEvents(const PosixRule& rule, int64_t year) {
  return {{{RuleDay(rule.dst_start, year) * kSecondsPerDay +
                rule.dst_start.time_s - rule.std_offset_s,
            true},
           {RuleDay(rule.dst_end, year) * kSecondsPerDay + rule.dst_end.time_s -
                rule.dst_offset_s,
            false}}};
}

// A year's changes lie within about ten days of it (rule times reach
// +-167 h): all of year-2's are before any instant of `year`, and all of
// year+2's after it.
int32_t RuleOffsetAt(const PosixRule& rule, int64_t utc_s) {
  if (!rule.has_dst) return rule.std_offset_s;
  const int64_t year = YearOfSeconds(utc_s);
  std::optional<RuleEvent> latest;  // The last change at or before utc_s.
  for (int64_t y = year - 2; y <= year + 1; ++y) {
    for (const RuleEvent& event : YearEvents(rule, y)) {
      if (event.at_s <= utc_s && (!latest || Before(*latest, event))) {
        latest = event;
      }
    }
  }
  return latest && latest->to_dst ? rule.dst_offset_s : rule.std_offset_s;
}

// The rule's changes in years [first_year, last_year], in time order.
std::vector<RuleEvent> RuleEvents(const PosixRule& rule, int64_t first_year,
                                  int64_t last_year) {
  std::vector<RuleEvent> events;
  for (int64_t year = first_year; year <= last_year; ++year) {
    for (const RuleEvent& event : YearEvents(rule, year)) {
      events.push_back(event);
    }
  }
  std::sort(events.begin(), events.end(), Before);
  return events;
}

// Parses a POSIX TZ string (see TimeZone::FromPosixString).
class PosixParser {
 public:
  explicit PosixParser(std::string_view text) : text_(text) {}

  std::optional<PosixRule> Parse() {
    PosixRule rule;
    std::optional<int32_t> std_west;
    if (!SkipName() || !(std_west = Time(24))) return std::nullopt;
    rule.std_offset_s = -*std_west;
    if (AtEnd()) return rule;
    if (!SkipName()) return std::nullopt;
    rule.has_dst = true;
    rule.dst_offset_s = rule.std_offset_s + 3600;
    if (!AtEnd() && Peek() != ',') {
      std::optional<int32_t> dst_west = Time(24);
      if (!dst_west) return std::nullopt;
      rule.dst_offset_s = -*dst_west;
    }
    if (AtEnd()) return WithUsRule(rule);
    std::optional<RuleDate> start, end;
    if (!Consume(',') || !(start = Date()) || !Consume(',') ||
        !(end = Date()) || !AtEnd()) {
      return std::nullopt;
    }
    rule.dst_start = *start;
    rule.dst_end = *end;
    return rule;
  }

 private:
  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Consume(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  static bool IsAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  // "EST" or "<+0530>": three or more letters, or the same of letters,
  // digits, '+' and '-' in angle brackets. Names are not kept.
  bool SkipName() {
    const bool quoted = Consume('<');
    const size_t begin = pos_;
    while (!AtEnd() &&
           (IsAlpha(Peek()) ||
            (quoted && (IsDigit(Peek()) || Peek() == '+' || Peek() == '-')))) {
      ++pos_;
    }
    if (pos_ - begin < 3) return false;
    return !quoted || Consume('>');
  }

  // One to three digits (no field needs more) within [min, max].
  std::optional<int> Number(int min, int max) {
    int value = 0;
    size_t digits = 0;
    while (IsDigit(Peek()) && digits < 3) {
      value = value * 10 + (Peek() - '0');
      ++pos_;
      ++digits;
    }
    if (digits == 0 || IsDigit(Peek()) || value < min || value > max) {
      return std::nullopt;
    }
    return value;
  }

  // [+-]hh[:mm[:ss]] with hh <= max_hours; seconds, signed.
  std::optional<int32_t> Time(int max_hours) {
    int sign = 1;
    if (Consume('-')) {
      sign = -1;
    } else {
      Consume('+');
    }
    std::optional<int> hours = Number(0, max_hours);
    if (!hours) return std::nullopt;
    int seconds = *hours * 3600;
    for (int scale : {60, 1}) {
      if (!Consume(':')) break;
      std::optional<int> part = Number(0, 59);
      if (!part) return std::nullopt;
      seconds += *part * scale;
    }
    return sign * seconds;
  }

  // Jn, n or Mm.w.d, then an optional /time.
  std::optional<RuleDate> Date() {
    RuleDate date;
    std::optional<int> a, b, c;
    if (Consume('J')) {
      if (!(a = Number(1, 365))) return std::nullopt;
      date.kind = RuleDate::Kind::kJulian;
      date.day = *a;
    } else if (Consume('M')) {
      if (!(a = Number(1, 12)) || !Consume('.') || !(b = Number(1, 5)) ||
          !Consume('.') || !(c = Number(0, 6))) {
        return std::nullopt;
      }
      date.kind = RuleDate::Kind::kMonthWeek;
      date.month = *a;
      date.week = *b;
      date.weekday = *c;
    } else {
      if (!(a = Number(0, 365))) return std::nullopt;
      date.kind = RuleDate::Kind::kDayOfYear;
      date.day = *a;
    }
    if (Consume('/')) {
      std::optional<int32_t> time = Time(kMaxRuleHours);
      if (!time) return std::nullopt;
      date.time_s = *time;
    }
    return date;
  }

  // tzcode's default for a daylight name without a rule.
  static PosixRule WithUsRule(PosixRule rule) {
    rule.dst_start.month = 3;
    rule.dst_start.week = 2;
    rule.dst_end.month = 11;
    rule.dst_end.week = 1;
    return rule;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------
// TZif files (RFC 8536).

// Reads big-endian fields; callers check remaining() first.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  size_t remaining() const { return bytes_.size() - pos_; }
  std::string_view Take(size_t n) {
    std::string_view part = bytes_.substr(pos_, n);
    pos_ += n;
    return part;
  }
  uint64_t BigEndian(size_t n) {
    uint64_t value = 0;
    for (char c : Take(n)) value = value << 8 | static_cast<unsigned char>(c);
    return value;
  }
  int32_t Int32() { return static_cast<int32_t>(BigEndian(4)); }
  int64_t Int64() { return static_cast<int64_t>(BigEndian(8)); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

struct TzifHeader {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0;
  uint32_t timecnt = 0, typecnt = 0, charcnt = 0;

  // Bytes of the data block after this header, with `time_bytes`-byte
  // times (4 in version 1's block, 8 in the version 2+ block).
  uint64_t DataBytes(uint64_t time_bytes) const {
    return uint64_t{timecnt} * (time_bytes + 1) + uint64_t{typecnt} * 6 +
           charcnt + uint64_t{leapcnt} * (time_bytes + 4) + isstdcnt + isutcnt;
  }
};

// What a TZif file says, before it becomes a TimeZone.
struct TzifContents {
  int32_t initial_offset_s = 0;
  std::vector<int64_t> transitions;
  std::vector<int32_t> offsets;
  std::optional<PosixRule> rule;
};

Status Truncated(const std::string& where, const char* part, uint64_t need,
                 size_t have) {
  return Status::Corruption(where + ": truncated TZif file (" + part +
                            " needs " + std::to_string(need) + " bytes, " +
                            std::to_string(have) + " remain)");
}

Result<TzifHeader> ReadHeader(ByteReader& in, const std::string& where) {
  if (in.remaining() < 4 || in.Take(4) != "TZif") {
    return Status::InvalidArgument(where + ": not a TZif file");
  }
  if (in.remaining() < kTzifHeaderBytes - 4) {
    return Truncated(where, "the header", kTzifHeaderBytes, in.remaining() + 4);
  }
  TzifHeader h;
  h.version = in.Take(1)[0];
  if (h.version != '\0' && (h.version < '2' || h.version > '9')) {
    return Status::Corruption(where + ": unknown TZif version byte " +
                              std::to_string(static_cast<int>(h.version)));
  }
  in.Take(15);  // Unused.
  for (uint32_t* count : {&h.isutcnt, &h.isstdcnt, &h.leapcnt, &h.timecnt,
                          &h.typecnt, &h.charcnt}) {
    *count = static_cast<uint32_t>(in.BigEndian(4));
  }
  if (h.typecnt == 0) {
    return Status::Corruption(where + ": TZif file has no local time types");
  }
  if ((h.isutcnt != 0 && h.isutcnt != h.typecnt) ||
      (h.isstdcnt != 0 && h.isstdcnt != h.typecnt)) {
    return Status::Corruption(where + ": TZif indicator counts disagree");
  }
  return h;
}

Result<std::vector<int32_t>> ReadTypeOffsets(ByteReader& in, uint32_t count,
                                             const std::string& where) {
  std::vector<int32_t> offsets;
  offsets.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const int32_t utoff = in.Int32();
    in.Take(2);  // isdst, desigidx: abbreviations are not used here.
    if (utoff < kMinOffset || utoff > kMaxOffset) {
      return Status::Corruption(where + ": UTC offset " +
                                std::to_string(utoff) + " s is out of range");
    }
    offsets.push_back(utoff);
  }
  return offsets;
}

// The data block after `h`, whose times are `time_bytes` wide.
Result<TzifContents> ReadDataBlock(ByteReader& in, const TzifHeader& h,
                                   size_t time_bytes,
                                   const std::string& where) {
  const uint64_t size = h.DataBytes(time_bytes);
  if (size > in.remaining()) {
    return Truncated(where, "the data block", size, in.remaining());
  }
  TzifContents out;
  out.transitions.reserve(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    const int64_t at = time_bytes == 4 ? in.Int32() : in.Int64();
    if (i > 0 && at <= out.transitions.back()) {
      return Status::Corruption(where + ": transition times are not ascending");
    }
    out.transitions.push_back(at);
  }
  std::string_view type_indices = in.Take(h.timecnt);
  Result<std::vector<int32_t>> type_offsets =
      ReadTypeOffsets(in, h.typecnt, where);
  if (!type_offsets.ok()) return type_offsets.status();
  out.initial_offset_s = type_offsets->front();
  out.offsets.reserve(h.timecnt);
  for (char index : type_indices) {
    const auto type = static_cast<unsigned char>(index);
    if (type >= h.typecnt) {
      return Status::Corruption(where + ": a transition uses local time type " +
                                std::to_string(type) + " of " +
                                std::to_string(h.typecnt));
    }
    out.offsets.push_back((*type_offsets)[type]);
  }
  in.Take(static_cast<size_t>(uint64_t{h.charcnt} +
                              uint64_t{h.leapcnt} * (time_bytes + 4) +
                              h.isstdcnt + h.isutcnt));
  return out;
}

// The footer of a version 2+ file: "\n<POSIX TZ string>\n".
Result<std::optional<PosixRule>> ReadFooter(ByteReader& in,
                                            const std::string& where) {
  std::string_view rest = in.Take(in.remaining());
  const size_t end = rest.find('\n', 1);
  if (rest.empty() || rest[0] != '\n' || end == std::string_view::npos) {
    return Status::Corruption(where + ": TZif footer is missing or truncated");
  }
  std::string_view text = rest.substr(1, end - 1);
  if (text.empty()) return std::optional<PosixRule>();
  std::optional<PosixRule> rule = PosixParser(text).Parse();
  if (!rule) {
    return Status::Corruption(where + ": bad TZ string in TZif footer: '" +
                              std::string(text) + "'");
  }
  return rule;
}

Result<TzifContents> ParseTzif(std::string_view bytes,
                               const std::string& where) {
  ByteReader in(bytes);
  Result<TzifHeader> v1 = ReadHeader(in, where);
  if (!v1.ok()) return v1.status();
  if (v1->version == '\0') return ReadDataBlock(in, *v1, 4, where);
  // Version 2+: skip the 32-bit block; the 64-bit one repeats it in full.
  const uint64_t v1_size = v1->DataBytes(4);
  if (v1_size > in.remaining()) {
    return Truncated(where, "the version 1 data block", v1_size,
                     in.remaining());
  }
  in.Take(static_cast<size_t>(v1_size));
  Result<TzifHeader> v2 = ReadHeader(in, where);
  if (!v2.ok()) return v2.status();
  Result<TzifContents> contents = ReadDataBlock(in, *v2, 8, where);
  if (!contents.ok()) return contents;
  Result<std::optional<PosixRule>> rule = ReadFooter(in, where);
  if (!rule.ok()) return rule.status();
  contents->rule = *rule;
  return contents;
}

// ---------------------------------------------------------------------------
// Files and names.

Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO planted in a zone directory must not hang.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  std::string bytes;
  Status status;
  if (fstat(fd, &st) != 0) {
    status =
        Status::IoError("cannot stat " + path + ": " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = Status::InvalidArgument(path + " is not a regular file");
  }
  char buffer[16384];
  while (status.ok()) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status =
          Status::IoError("cannot read " + path + ": " + std::strerror(errno));
    } else if (n == 0) {
      break;
    } else if (bytes.size() + static_cast<size_t>(n) > max_bytes) {
      status = Status::InvalidArgument(path + " is larger than " +
                                       std::to_string(max_bytes) + " bytes");
    } else {
      bytes.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  if (!status.ok()) return status;
  return bytes;
}

// Why `name` cannot be a zone name, or "" when it can.
std::string NameProblem(std::string_view name) {
  if (name.empty()) return "time zone name is empty";
  const std::string quoted =
      "invalid time zone name '" + std::string(name) + "': ";
  if (name.front() == '/') {
    return quoted + "an absolute path; give a name like 'Europe/Paris'";
  }
  if (name.find("..") != std::string_view::npos)
    return quoted + "contains '..'";
  if (name.find('\0') != std::string_view::npos) {
    return quoted + "contains a NUL byte";
  }
  return "";
}

std::string ZoneDir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? dir : kDefaultZoneDir;
}

// "/usr/share/zoneinfo/posix/Europe/Paris" -> "Europe/Paris"; a path with
// no "zoneinfo/" in it names itself.
std::string NameFromPath(std::string_view path) {
  constexpr std::string_view kMarker = "zoneinfo/";
  const size_t at = path.rfind(kMarker);
  if (at == std::string_view::npos) return std::string(path);
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

// ---------------------------------------------------------------------------
// Construction.

TimeZone TimeZone::Utc() { return TimeZone("UTC", 0); }

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (std::string problem = NameProblem(name); !problem.empty()) {
    return Status::InvalidArgument(problem);
  }
  const std::string dir = ZoneDir();
  const std::string path = dir + "/" + std::string(name);
  const std::string quoted = "time zone '" + std::string(name) + "'";
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return Status::InvalidArgument("unknown " + quoted +
                                     " (no such file in " + dir + ")");
    }
    return Status::IoError(quoted + ": cannot stat " + path + ": " +
                           std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument("unknown " + quoted + " (" + path +
                                   " is a directory)");
  }
  return LoadFile(std::string(name), path);
}

Result<TimeZone> TimeZone::LoadFile(std::string name, const std::string& path) {
  const std::string where = "time zone '" + name + "' (" + path + ")";
  Result<std::string> bytes = ReadSmallFile(path, kMaxZoneFileBytes);
  if (!bytes.ok()) {
    if (bytes.status().code() == Status::Code::kInvalidArgument) {
      return Status::InvalidArgument(
          where + ": not a TZif file: " + bytes.status().message());
    }
    return Status::IoError(where + ": " + bytes.status().message());
  }
  return FromTzifAt(std::move(name), *bytes, where);
}

Result<TimeZone> TimeZone::FromTzif(std::string name, std::string_view bytes) {
  const std::string where = "time zone '" + name + "'";
  return FromTzifAt(std::move(name), bytes, where);
}

Result<TimeZone> TimeZone::FromTzifAt(std::string name, std::string_view bytes,
                                      const std::string& where) {
  Result<TzifContents> contents = ParseTzif(bytes, where);
  if (!contents.ok()) return contents.status();
  TimeZone zone(std::move(name), contents->initial_offset_s);
  zone.transitions_ = std::move(contents->transitions);
  zone.offsets_ = std::move(contents->offsets);
  zone.rule_ = contents->rule;
  zone.ExpandRule();
  return zone;
}

Result<TimeZone> TimeZone::FromPosixString(std::string_view spec) {
  std::optional<PosixRule> rule = PosixParser(spec).Parse();
  if (!rule) {
    return Status::InvalidArgument("invalid POSIX TZ string '" +
                                   std::string(spec) + "'");
  }
  TimeZone zone(std::string(spec), rule->std_offset_s);
  zone.rule_ = rule;
  return zone;
}

TimeZone TimeZone::System() {
  if (const char* tz = std::getenv("TZ"); tz != nullptr) {
    return FromTzVariable(tz);
  }
  std::optional<TimeZone> zone = FromEtcLocaltime();
  return zone ? *std::move(zone) : Utc();
}

TimeZone TimeZone::FromTzVariable(std::string_view tz) {
  if (!tz.empty() && tz.front() == ':') tz.remove_prefix(1);
  if (tz.empty()) return Utc();
  Result<TimeZone> zone = tz.front() == '/'
                              ? LoadFile(NameFromPath(tz), std::string(tz))
                              : Load(tz);
  if (!zone.ok()) zone = FromPosixString(tz);
  return zone.ok() ? *std::move(zone) : Utc();
}

std::optional<TimeZone> TimeZone::FromEtcLocaltime() {
  constexpr const char* kLocaltime = "/etc/localtime";
  char target[4096];
  const ssize_t n = readlink(kLocaltime, target, sizeof target - 1);
  if (n > 0) {
    std::string name =
        NameFromPath(std::string_view(target, static_cast<size_t>(n)));
    if (Result<TimeZone> zone = LoadFile(std::move(name), kLocaltime)) {
      return *std::move(zone);
    }
  }
  if (Result<std::string> text = ReadSmallFile("/etc/timezone", 4096)) {
    if (Result<TimeZone> zone = Load(Trimmed(*text))) return *std::move(zone);
  }
  if (Result<TimeZone> zone = LoadFile("localtime", kLocaltime)) {
    return *std::move(zone);
  }
  return std::nullopt;
}

void TimeZone::ExpandRule() {
  // Without transitions the rule also rules the past, which a table cannot
  // say; such zones (POSIX strings) evaluate the rule on every query.
  if (!rule_ || !rule_->has_dst || transitions_.empty()) return;
  const int64_t from = transitions_.back();
  if (from >= kExpandUntilSeconds) return;
  int32_t previous = RuleOffsetAt(*rule_, from);
  offsets_.back() = previous;  // The rule decides from here on anyway.
  for (const RuleEvent& event :
       RuleEvents(*rule_, YearOfSeconds(from) - 1, kExpandThroughYear + 1)) {
    if (event.at_s <= from || event.at_s > kExpandUntilSeconds) continue;
    const int32_t offset = RuleOffsetAt(*rule_, event.at_s);
    if (offset == previous) continue;
    transitions_.push_back(event.at_s);
    offsets_.push_back(offset);
    previous = offset;
  }
}

// ---------------------------------------------------------------------------
// Queries.

int32_t TimeZone::OffsetAtSeconds(int64_t utc_s) const {
  if (rule_ && (transitions_.empty() || utc_s >= transitions_.back())) {
    return RuleOffsetAt(*rule_, utc_s);
  }
  auto after =
      std::upper_bound(transitions_.begin(), transitions_.end(), utc_s);
  if (after == transitions_.begin()) return initial_offset_s_;
  return offsets_[static_cast<size_t>(after - transitions_.begin() - 1)];
}

std::vector<TimeZone::Change> TimeZone::ChangesIn(int64_t lo_s,
                                                  int64_t hi_s) const {
  std::vector<int64_t> candidates(
      std::upper_bound(transitions_.begin(), transitions_.end(), lo_s),
      std::upper_bound(transitions_.begin(), transitions_.end(), hi_s));
  const int64_t rule_from =
      transitions_.empty() ? lo_s : std::max(lo_s, transitions_.back());
  if (rule_ && rule_->has_dst && rule_from < hi_s) {
    for (const RuleEvent& event : RuleEvents(
             *rule_, YearOfSeconds(rule_from) - 1, YearOfSeconds(hi_s) + 1)) {
      if (event.at_s > rule_from && event.at_s <= hi_s) {
        candidates.push_back(event.at_s);
      }
    }
  }
  // Offsets come from OffsetAtSeconds so the two always agree; instants
  // where nothing changes (an abbreviation, or a tie) are dropped.
  std::vector<Change> changes;
  int32_t previous = OffsetAtSeconds(lo_s);
  for (int64_t at : candidates) {
    const int32_t offset = OffsetAtSeconds(at);
    if (offset != previous) changes.push_back({at, offset});
    previous = offset;
  }
  return changes;
}

int32_t TimeZone::OffsetAt(int64_t utc_ms) const {
  return OffsetAtSeconds(ClampedSeconds(utc_ms));
}

int64_t TimeZone::LocalDay(int64_t utc_ms) const {
  const int64_t utc_s = ClampedSeconds(utc_ms);
  return FloorDiv(utc_s + OffsetAtSeconds(utc_s), kSecondsPerDay);
}

int64_t TimeZone::LocalDayStart(int64_t day) const {
  const int64_t midnight =
      std::clamp(day, -kMaxAbsDay, kMaxAbsDay) * kSecondsPerDay;  // Local.
  // Offsets are under 26 hours, so local time is before midnight at `lo`
  // and after it at `hi`. Walk the stretches of constant offset between
  // them; the first with an instant at or after local midnight holds it.
  const int64_t lo = midnight - 2 * kSecondsPerDay;
  const int64_t hi = midnight + 2 * kSecondsPerDay;
  int64_t stretch_start = lo;
  int32_t offset = OffsetAtSeconds(lo);
  for (const Change& change : ChangesIn(lo, hi)) {
    const int64_t first = std::max(stretch_start, midnight - offset);
    if (first < change.at_s) return first * 1000;
    stretch_start = change.at_s;
    offset = change.offset_s;
  }
  return std::max(stretch_start, midnight - offset) * 1000;
}

int64_t TimeZone::FloorToLocalHour(int64_t utc_ms) const {
  const int64_t utc_s = ClampedSeconds(utc_ms);
  const int32_t offset = OffsetAtSeconds(utc_s);
  int64_t start =
      FloorDiv(utc_s + offset, kSecondsPerHour) * kSecondsPerHour - offset;
  for (const Change& change : ChangesIn(start, utc_s)) {
    start = std::max(start, change.at_s);
  }
  return start * 1000;
}

std::string TimeZone::FormatLocal(int64_t utc_ms) const {
  const int64_t utc_s = ClampedSeconds(utc_ms);
  const int32_t offset = OffsetAtSeconds(utc_s);
  const int64_t local_s = utc_s + offset;
  const int64_t day = FloorDiv(local_s, kSecondsPerDay);
  const int64_t second_of_day = local_s - day * kSecondsPerDay;
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d",
                static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60),
                static_cast<int>(second_of_day % 60));
  return FormatDate(day) + buf + FormatOffset(offset);
}

}  // namespace cc
