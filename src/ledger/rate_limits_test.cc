#include "ledger/rate_limits.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "ledger/ledger_writer.h"
#include "ledger/schema.h"
#include "ledger/sqlite_db.h"
#include "test_util.h"

namespace cc {
namespace {

// 2026-12-07 12:00:00 UTC.
constexpr int64_t kNowS = 1796644800;
constexpr int64_t kNowMs = kNowS * 1000;

std::unique_ptr<LedgerWriter> OpenWrite(const std::string& path) {
  Result<std::unique_ptr<LedgerWriter>> l = LedgerWriter::Open(path, "test");
  EXPECT_TRUE(l.ok()) << l.status().message();
  return l.ok() ? std::move(*l) : nullptr;
}

RateLimitReading Reading(double five, int64_t five_reset, double seven,
                         int64_t seven_reset, int64_t seen_ms = kNowMs,
                         const std::string& source = "laptop") {
  RateLimitReading r;
  r.source = source;
  r.seen_ms = seen_ms;
  r.five_hour_pct = five;
  r.five_hour_resets_at = five_reset;
  r.seven_day_pct = seven;
  r.seven_day_resets_at = seven_reset;
  return r;
}

int64_t Rows(const std::string& path) {
  auto db = sql::Database::Open(path, true);
  return *(*db)->QueryInt("SELECT COUNT(*) FROM rate_limits");
}

class RateLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.Join("ledger.db");
    ledger_ = OpenWrite(path_);
    ASSERT_NE(ledger_, nullptr);
  }
  Result<bool> Record(const RateLimitReading& r) {
    return ledger_->RecordRateLimits(r);
  }

  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<LedgerWriter> ledger_;
};

// A statusline runs many times a minute with the same figures.
TEST_F(RateLimitsTest, TheSameReadingTwiceStoresOneRowPerWindow) {
  const int64_t r5 = kNowS + 3600, r7 = kNowS + 86400;
  Result<bool> first = Record(Reading(12.5, r5, 40, r7));
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(*first);
  Result<bool> again = Record(Reading(12.5, r5, 40, r7, kNowMs + 5000));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(Rows(path_), 2);
}

// The dashboard reloads when the content stamp moves: a stored reading
// moves it, a repeated one does not.
TEST_F(RateLimitsTest, AStoredReadingMovesTheContentStamp) {
  const int64_t r5 = kNowS + 3600, r7 = kNowS + 86400;
  Result<std::string> before = ledger_->reader().ContentStamp();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(*Record(Reading(1, r5, 2, r7)));
  Result<std::string> after = ledger_->reader().ContentStamp();
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*before, *after);
  ASSERT_FALSE(*Record(Reading(1, r5, 2, r7, kNowMs + 1000)));
  EXPECT_EQ(*ledger_->reader().ContentStamp(), *after);
}

TEST_F(RateLimitsTest, ANewValueOrResetStoresAnotherRowForThatWindowOnly) {
  const int64_t r5 = kNowS + 3600, r7 = kNowS + 86400;
  ASSERT_TRUE(*Record(Reading(12.5, r5, 40, r7)));
  EXPECT_TRUE(*Record(Reading(13, r5, 40, r7, kNowMs + 1000)));  // 5h value.
  EXPECT_EQ(Rows(path_), 3);
  // A new 5-hour window at the same percentage: its reset moved.
  EXPECT_TRUE(*Record(Reading(13, r5 + 18000, 40, r7, kNowMs + 2000)));
  EXPECT_EQ(Rows(path_), 4);
  // Going back to an earlier value is a change too.
  EXPECT_TRUE(*Record(Reading(13, r5 + 18000, 39.5, r7, kNowMs + 3000)));
  EXPECT_EQ(Rows(path_), 5);
}

TEST_F(RateLimitsTest, EachSourceKeepsItsOwnReadings) {
  const int64_t r5 = kNowS + 3600, r7 = kNowS + 86400;
  ASSERT_TRUE(*Record(Reading(10, r5, 40, r7, kNowMs, "laptop")));
  EXPECT_TRUE(*Record(Reading(10, r5, 40, r7, kNowMs, "desktop")));
  EXPECT_EQ(Rows(path_), 4);
}

TEST_F(RateLimitsTest, MissingWindowsAreSkipped) {
  RateLimitReading none;
  none.source = "laptop";
  none.seen_ms = kNowMs;
  Result<bool> r = Record(none);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  RateLimitReading only_seven = none;
  only_seven.seven_day_pct = 3;
  only_seven.seven_day_resets_at = kNowS + 86400;
  only_seven.five_hour_pct = 50;  // No reset: cannot be placed.
  EXPECT_TRUE(*Record(only_seven));
  EXPECT_EQ(Rows(path_), 1);
  auto latest = ledger_->reader().LatestRateLimits();
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].kind, RateLimitKind::kSevenDay);
  EXPECT_EQ((*latest)[0].used_percentage, 3);
}

TEST_F(RateLimitsTest, OutOfBoundsReadingsStoreNothing) {
  const int64_t r5 = kNowS + 3600, r7 = kNowS + 86400;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const RateLimitReading& bad :
       {Reading(nan, r5, 1, r7), Reading(-1, r5, 1, r7),
        Reading(1000.5, r5, 1, r7), Reading(1, r5, 1, r7 * 1000),  // ms.
        Reading(1, kNowS - 2 * 86400, 1, r7),                      // Stale.
        Reading(1, kNowS + 18000 + 86400 + 1, 1, r7)}) {
    Result<bool> r = Record(bad);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("rate_limits."), std::string::npos)
        << r.status().message();
  }
  RateLimitReading long_source = Reading(1, r5, 1, r7);
  long_source.source.assign(300, 'x');
  EXPECT_FALSE(Record(long_source).ok());
  EXPECT_EQ(Rows(path_), 0);
  // Over 100 is possible (overage) and kept as given.
  EXPECT_TRUE(*Record(Reading(104.25, r5, 1, r7)));
}

TEST_F(RateLimitsTest, WindowsArePeakedPerResetAndFilteredBySourceAndTime) {
  const int64_t a = kNowS + 3600;  // A 5-hour window [a - 5h, a).
  ASSERT_TRUE(*Record(Reading(10, a, 30, kNowS + 86400, kNowMs, "laptop")));
  ASSERT_TRUE(*Record(Reading(25, a, 31, kNowS + 86400, kNowMs + 60000, "laptop")));
  ASSERT_TRUE(*Record(Reading(40, a, 32, kNowS + 86400, kNowMs + 90000, "desktop")));
  ASSERT_TRUE(*Record(Reading(20, a, 31, kNowS + 86400, kNowMs + 120000, "laptop")));
  ASSERT_TRUE(*Record(Reading(5, a + 18000, 33, kNowS + 86400, kNowMs + 4 * 3600000LL,
                              "laptop")));
  LedgerReader& reader = ledger_->reader();
  auto all = reader.RateLimitWindows({});
  ASSERT_TRUE(all.ok()) << all.status().message();
  // Latest reset first; the 7-day window's reset is the latest.
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].kind, RateLimitKind::kSevenDay);
  EXPECT_EQ((*all)[0].peak_percentage, 33);
  EXPECT_EQ((*all)[1].kind, RateLimitKind::kFiveHour);
  EXPECT_EQ((*all)[1].resets_at, a + 18000);
  EXPECT_EQ((*all)[2].resets_at, a);
  EXPECT_EQ((*all)[2].peak_percentage, 40);  // The desktop's.
  EXPECT_EQ((*all)[2].readings, 4u);
  EXPECT_EQ((*all)[2].first_seen_ms, kNowMs);
  EXPECT_EQ((*all)[2].last_seen_ms, kNowMs + 120000);
  EXPECT_EQ((*all)[2].start_ms(), (a - 18000) * 1000);

  RateLimitFilter laptop;
  laptop.source = "laptop";
  auto mine = reader.RateLimitWindows(laptop);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 3u);
  EXPECT_EQ((*mine)[2].peak_percentage, 25);

  // Only windows overlapping [since, until): the first 5-hour window ends
  // at a, the second starts there.
  RateLimitFilter after;
  after.since_ms = a * 1000;
  auto later = reader.RateLimitWindows(after);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 2u);
  RateLimitFilter before;
  before.until_ms = a * 1000;
  auto earlier = reader.RateLimitWindows(before);
  ASSERT_TRUE(earlier.ok());
  ASSERT_EQ(earlier->size(), 2u);  // The first 5-hour and the 7-day.
  EXPECT_EQ((*earlier)[1].resets_at, a);

  auto latest = reader.LatestRateLimits();
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].kind, RateLimitKind::kFiveHour);
  EXPECT_EQ((*latest)[0].used_percentage, 5);
  EXPECT_EQ((*latest)[0].resets_at, a + 18000);
  EXPECT_EQ((*latest)[1].used_percentage, 33);
}

TEST_F(RateLimitsTest, TotalsBetweenCountTheEventsInTheSpan) {
  Batch b;
  for (int64_t ts : {kNowMs - 1, kNowMs, kNowMs + 1000, kNowMs + 2000}) {
    Event e;
    e.key = std::string("k").append(std::to_string(ts));
    e.tokens.input = 100;
    e.tokens.output = 10;
    e.attributes.model = "claude-sonnet-4-20250514";
    e.first = Provenance{ts, "/f.jsonl", 0};
    b.events.push_back(e);
  }
  ASSERT_TRUE(ledger_->Commit(b, "laptop", 1).ok());
  auto t = ledger_->reader().TotalsBetween(kNowMs, kNowMs + 2000, std::nullopt);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->events, 2u);
  EXPECT_EQ(t->tokens.Total(), 220u);
  // 200 input at $3/MTok + 20 output at $15/MTok = $0.0009.
  EXPECT_EQ(t->cost_nano, 900'000);
  auto other = ledger_->reader().TotalsBetween(kNowMs, kNowMs + 2000,
                                               std::string("desktop"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->events, 0u);
}

// The statusline while a monitor holds the writer lock: a connection of
// its own, deduplicated against what the writer stored.
TEST_F(RateLimitsTest, AProcessWithoutTheLockStoresBesideTheWriter) {
  const int64_t r5 = kNowS + 3600, r7 = kNowS + 86400;
  ASSERT_TRUE(*Record(Reading(12.5, r5, 40, r7)));
  Result<bool> same = RecordRateLimitsAt(path_, Reading(12.5, r5, 40, r7), 50);
  ASSERT_TRUE(same.ok()) << same.status().message();
  EXPECT_FALSE(*same);
  Result<bool> changed = RecordRateLimitsAt(path_, Reading(13, r5, 40, r7), 50);
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(Rows(path_), 3);
  EXPECT_FALSE(RecordRateLimitsAt(path_, Reading(-3, r5, 40, r7), 50).ok());
  // No ledger: an error, and none is created.
  const std::string missing = dir_.Join("none.db");
  EXPECT_FALSE(RecordRateLimitsAt(missing, Reading(1, r5, 1, r7), 50).ok());
  EXPECT_FALSE(std::filesystem::exists(missing));
}

// A ledger from before the table: migrated, then readings are stored.
TEST(RateLimitsMigration, AVersion10LedgerGetsTheTable) {
  test::TempDir dir;
  std::string path = dir.Join("ledger.db");
  {
    auto db = sql::Database::Open(path, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(ApplyMigrations(**db, 0, 10).ok());
    EXPECT_EQ(*(*db)->QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE "
                               "name = 'rate_limits'"),
              0);
  }
  auto ledger = OpenWrite(path);
  ASSERT_NE(ledger, nullptr);
  EXPECT_TRUE(*ledger->RecordRateLimits(
      Reading(1, kNowS + 60, 2, kNowS + 60)));
  auto db = sql::Database::Open(path, true);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(*(*db)->QueryInt("SELECT COUNT(*) FROM rate_limits"), 2);
}

}  // namespace
}  // namespace cc
