// The official plan limits as history: Claude Code's `rate_limits` (the
// statusline's stdin: the 5-hour and 7-day windows' used percentage and
// reset time, for Pro/Max) kept in the ledger's rate_limits table
// (docs/storage.md), so reports and the dashboard can put them beside the
// tokens and dollars counted in the same windows.
//
// A statusline runs many times a minute with the same figures: a window's
// reading is stored only when its percentage or reset differs from the
// last one stored for that source and window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/status.h"

namespace cc {

// One `rate_limits` object as seen by one machine (`source`, the ledger's
// machine label) at `seen_ms`. Either window may be missing (Claude Code
// sends them only after the first response, and not always both); a
// window with a percentage but no reset (or the reverse) cannot be placed
// and is ignored.
struct RateLimitReading {
  std::string source;
  int64_t seen_ms = 0;
  std::optional<double> five_hour_pct;
  std::optional<int64_t> five_hour_resets_at;  // Epoch seconds.
  std::optional<double> seven_day_pct;
  std::optional<int64_t> seven_day_resets_at;  // Epoch seconds.
};

enum class RateLimitKind { kFiveHour, kSevenDay };

// "five_hour", "seven_day": the names Claude Code uses, and the table's.
std::string_view RateLimitKindName(RateLimitKind kind);
// How long a window runs: it is [resets_at - length, resets_at).
int64_t RateLimitWindowSeconds(RateLimitKind kind);

// Bounds on what is stored. A percentage is as given (it may pass 100 on
// overage), but NaN, negative or above this is garbage.
constexpr double kMaxRateLimitPercentage = 1000;
// A reset more than this before the reading (a stale figure) or more than
// a window plus this after it (a clock or unit error: milliseconds) is
// refused.
constexpr int64_t kRateLimitResetSlackSeconds = 24 * 3600;
// A source label longer than this is refused (labels are short names).
constexpr size_t kMaxRateLimitSourceBytes = 256;

// Ok, or InvalidArgument naming the field and why, for every window of
// `r` that has both its values, and for the source.
Status CheckRateLimitReading(const RateLimitReading& r);

// For a process without the writer lock (the statusline while a monitor
// or `run` holds it): LedgerWriter::RecordRateLimits over a connection of
// its own, which takes no lock and runs no migration (NotSupported unless
// the ledger is at this program's schema; IoError without a ledger, which
// it never creates). rate_limits is written only this way and by
// RecordRateLimits, each in one BEGIN IMMEDIATE transaction, so SQLite
// serialises two statuslines. Waits at most `busy_timeout_ms` for a
// writer's transaction (an error after that).
Result<bool> RecordRateLimitsAt(const std::string& ledger_path,
                                const RateLimitReading& reading,
                                int busy_timeout_ms);

// One stored reading of one window.
struct RateLimitRow {
  std::string source;
  RateLimitKind kind = RateLimitKind::kFiveHour;
  double used_percentage = 0;
  int64_t resets_at = 0;  // Epoch seconds.
  int64_t seen_ms = 0;
};

// One window as the readings show it: identified by its kind and reset
// (all sources' readings of it, or one source's), with the highest
// percentage seen and when it was seen first and last.
struct RateLimitWindow {
  RateLimitKind kind = RateLimitKind::kFiveHour;
  int64_t resets_at = 0;  // Epoch seconds.
  double peak_percentage = 0;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  uint64_t readings = 0;

  int64_t start_ms() const {
    return (resets_at - RateLimitWindowSeconds(kind)) * 1000;
  }
  int64_t end_ms() const { return resets_at * 1000; }
};

// Which windows a report wants: those whose span [start, reset) overlaps
// [since_ms, until_ms), of one source or all.
struct RateLimitFilter {
  std::optional<int64_t> since_ms;
  std::optional<int64_t> until_ms;
  std::optional<std::string> source;
};

}  // namespace cc
