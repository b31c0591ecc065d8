#include "time/posix_tz_rule.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>

namespace cc {

namespace chr = std::chrono;

namespace {

constexpr int kMaxRuleHours = 167;  // RFC 8536 section 3.3.1.

// Days since the epoch of a rule's day in `year`.
int64_t RuleDay(const PosixTzRule::Date& date, chr::year year) {
  using Kind = PosixTzRule::Date::Kind;
  const chr::sys_days jan1 = year / chr::January / 1;
  chr::sys_days day;
  if (date.kind == Kind::kJulian) {
    day = jan1 +
          chr::days(date.day - 1 + (year.is_leap() && date.day >= 60 ? 1 : 0));
  } else if (date.kind == Kind::kDayOfYear) {
    day = jan1 + chr::days(date.day);
  } else {
    const chr::weekday weekday(static_cast<unsigned>(date.weekday));
    const chr::month month(static_cast<unsigned>(date.month));
    day = date.week == 5
              ? chr::sys_days(year / month / weekday[chr::last])
              : chr::sys_days(year / month /
                              weekday[static_cast<unsigned>(date.week)]);
  }
  return day.time_since_epoch().count();
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

}  // namespace

// Parses a POSIX TZ string (see PosixTzRule::Parse).
class PosixTzParser {
 public:
  explicit PosixTzParser(std::string_view text) : text_(text) {}

  std::optional<PosixTzRule> Parse() {
    PosixTzRule rule;
    std::optional<int32_t> std_west;
    if (!SkipName() || !(std_west = Time(24))) return std::nullopt;
    rule.std_offset_s_ = -*std_west;
    if (AtEnd()) return rule;
    if (!SkipName()) return std::nullopt;
    rule.has_dst_ = true;
    rule.dst_offset_s_ = rule.std_offset_s_ + 3600;
    if (!AtEnd() && Peek() != ',') {
      std::optional<int32_t> dst_west = Time(24);
      if (!dst_west) return std::nullopt;
      rule.dst_offset_s_ = -*dst_west;
    }
    if (AtEnd()) {  // tzcode's default for a daylight name without a rule.
      rule.dst_start_ = {.month = 3, .week = 2};
      rule.dst_end_ = {.month = 11, .week = 1};
      return rule;
    }
    std::optional<PosixTzRule::Date> start, end;
    if (!Consume(',') || !(start = Date()) || !Consume(',') ||
        !(end = Date()) || !AtEnd()) {
      return std::nullopt;
    }
    rule.dst_start_ = *start;
    rule.dst_end_ = *end;
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
  std::optional<PosixTzRule::Date> Date() {
    using Kind = PosixTzRule::Date::Kind;
    PosixTzRule::Date date;
    std::optional<int> a, b, c;
    if (Consume('J')) {
      if (!(a = Number(1, 365))) return std::nullopt;
      date.kind = Kind::kJulian;
      date.day = *a;
    } else if (Consume('M')) {
      if (!(a = Number(1, 12)) || !Consume('.') || !(b = Number(1, 5)) ||
          !Consume('.') || !(c = Number(0, 6))) {
        return std::nullopt;
      }
      date.month = *a;
      date.week = *b;
      date.weekday = *c;
    } else {
      if (!(a = Number(0, 365))) return std::nullopt;
      date.kind = Kind::kDayOfYear;
      date.day = *a;
    }
    if (Consume('/')) {
      std::optional<int32_t> time = Time(kMaxRuleHours);
      if (!time) return std::nullopt;
      date.time_s = *time;
    }
    return date;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::optional<PosixTzRule> PosixTzRule::Parse(std::string_view text) {
  return PosixTzParser(text).Parse();
}

ZoneSpan PosixTzRule::SpanAt(int64_t utc_s) const {
  if (!has_dst_) return {INT64_MIN, INT64_MAX, std_offset_s_};
  // A year's changes lie within about ten days of it (rule times reach
  // +-167 h): all of year-2's come before `utc_s`, all of year+2's after.
  const chr::year year =
      chr::year_month_day(
          chr::floor<chr::days>(chr::sys_seconds(chr::seconds(utc_s))))
          .year();
  std::array<RuleEvent, 10> events;
  size_t n = 0;
  for (chr::year y = year - chr::years(2); y <= year + chr::years(2); ++y) {
    events[n++] = {
        RuleDay(dst_start_, y) * 86'400 + dst_start_.time_s - std_offset_s_,
        true};
    events[n++] = {
        RuleDay(dst_end_, y) * 86'400 + dst_end_.time_s - dst_offset_s_, false};
  }
  std::sort(events.begin(), events.end(), Before);
  // The last change at or before utc_s decides; the first after ends it.
  auto next = std::upper_bound(
      events.begin(), events.end(), utc_s,
      [](int64_t at, const RuleEvent& e) { return at < e.at_s; });
  const RuleEvent& last = *(next - 1);
  return {last.at_s, next->at_s, last.to_dst ? dst_offset_s_ : std_offset_s_};
}

}  // namespace cc
