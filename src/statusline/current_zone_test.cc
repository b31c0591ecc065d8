#include "statusline/current_zone.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "core/civil_time.h"
#include "test_util.h"

namespace cc {
namespace {

// Every day of 2026 and 2027 begins at the same instant, and every hour
// has the same offset, by the footer as by the whole zone (DST changes,
// half-hour offsets and Lord Howe's half-hour DST included).
TEST(CurrentZone, TheFooterLaysOutTodaysDaysAsTheWholeZone) {
  const int64_t from = *ParseIsoTimestampMs("2026-01-01T00:00:00Z");
  for (const char* name : {"Europe/Paris", "America/New_York", "Australia/Lord_Howe",
                           "Asia/Kolkata", "America/Sao_Paulo", "UTC"}) {
    Result<TimeZone> full = TimeZone::Load(name);
    ASSERT_TRUE(full.ok()) << name;
    Result<TimeZone> rule = ZoneFromTzifFooter(std::string("/usr/share/zoneinfo/") + name);
    ASSERT_TRUE(rule.ok()) << name << ": " << rule.status().message();
    for (int64_t t = from; t < from + 2 * 365 * 86'400'000LL; t += 3'600'000) {
      ASSERT_EQ(rule->OffsetAt(t), full->OffsetAt(t)) << name << " at " << t;
    }
    for (int64_t day = full->LocalDay(from); day < full->LocalDay(from) + 730; ++day) {
      ASSERT_EQ(rule->LocalDayStart(day), full->LocalDayStart(day)) << name << " day " << day;
    }
  }
}

TEST(CurrentZone, WhatIsNotATzifFileWithARuleIsAnError) {
  test::TempDir dir;
  const std::string text = dir.Join("text");
  std::ofstream(text) << "Europe/Paris\n";
  EXPECT_FALSE(ZoneFromTzifFooter(text).ok());
  const std::string v1 = dir.Join("v1");
  std::ofstream(v1) << std::string("TZif\0", 5) << "rest\n";
  EXPECT_FALSE(ZoneFromTzifFooter(v1).ok());
  const std::string empty_footer = dir.Join("empty-footer");
  std::ofstream(empty_footer) << "TZif2 data\n\n";
  EXPECT_FALSE(ZoneFromTzifFooter(empty_footer).ok());
  EXPECT_FALSE(ZoneFromTzifFooter(dir.Join("missing")).ok());
}

// $TZ as a name, ":name", a path or a POSIX string.
TEST(CurrentZone, FollowsTzLikeTheSystemZone) {
  const char* saved = std::getenv("TZ");
  const std::optional<std::string> before = saved ? std::optional<std::string>(saved) : std::nullopt;
  const int64_t summer = *ParseIsoTimestampMs("2026-07-01T12:00:00Z");
  for (const auto& [tz, offset] :
       {std::pair{"Asia/Tokyo", 9 * 3600}, std::pair{":Europe/Paris", 2 * 3600},
        std::pair{"/usr/share/zoneinfo/America/New_York", -4 * 3600},
        std::pair{"EST5EDT,M3.2.0,M11.1.0", -4 * 3600}, std::pair{"", 0}}) {
    setenv("TZ", tz, 1);
    EXPECT_EQ(CurrentSystemZone().OffsetAt(summer), offset) << "TZ=" << tz;
  }
  if (before) setenv("TZ", before->c_str(), 1);
  else unsetenv("TZ");
}

}  // namespace
}  // namespace cc
