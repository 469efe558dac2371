// UTC days (common/base/time_util.h): DaysFromCivil against dates counted by hand, DayOf and
// FormatDay / DayKey / ParseDayKey against absl's civil time.
#include "common/base/time_util.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace talentflow {
namespace {

// Days since 1970-01-01 of y-m-d, by absl's civil time (an independent calendar).
int64_t D(int y, int m, int d) { return absl::CivilDay(y, m, d) - absl::CivilDay(1970, 1, 1); }

// Each value counted by hand from 1970-01-01 = day 0 (and checked with `date -u -d <date> +%s` / 86400):
//   2026-02-10: 56 years 1970…2025 of 365 days = 20440, + 14 leap days (1972, 1976, …, 2024) =
//               20454 = 2026-01-01, + 31 (January) + 9 = 20494.
//   2000-03-01: 30 years × 365 = 10950, + 7 leap days (1972 … 1996) = 10957 = 2000-01-01,
//               + 31 + 29 (2000 is a leap year: divisible by 400) = 11017; the day before is 11016.
//   1900-03-01: 1900-01-01 is 70 × 365 + 17 leap days (1904 … 1968) = 25567 days before day 0,
//               + 31 + 28 (1900 is not a leap year: divisible by 100, not by 400) = -25508.
//   2100-03-01: 2000-03-01 + 100 × 365 + 24 leap days (2004 … 2096; 2100 is none) = 11017 + 36524 = 47541.
//   2024-03-01: 54 × 365 + 13 leap days (1972 … 2020) = 19723 = 2024-01-01, + 31 + 29 = 19783.
//   1600-03-01 and 0000-03-01: a 400-year era has 146097 days, so 2000-03-01 − 146097 = -135080 and
//               2000-03-01 − 5 × 146097 = -719468 (year 0 is a leap year of the proleptic calendar:
//               0000-01-01 = -719468 − 31 − 29 = -719528).
//   9999-12-31: 10000-01-01 is 20 eras after 2000-01-01: 10957 + 2921940 = 2932897; minus one day.
TEST(DaysFromCivil, DatesCountedByHand) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(1970, 1, 2), 1);
  EXPECT_EQ(DaysFromCivil(2026, 2, 10), 20494);
  EXPECT_EQ(DaysFromCivil(2026, 1, 1), 20454);
  EXPECT_EQ(DaysFromCivil(2000, 1, 1), 10957);
  EXPECT_EQ(DaysFromCivil(2000, 2, 29), 11016);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1900, 2, 28), -25509);
  EXPECT_EQ(DaysFromCivil(1900, 3, 1), -25508);
  EXPECT_EQ(DaysFromCivil(2100, 2, 28), 47540);
  EXPECT_EQ(DaysFromCivil(2100, 3, 1), 47541);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29), 19782);
  EXPECT_EQ(DaysFromCivil(2024, 3, 1), 19783);
  EXPECT_EQ(DaysFromCivil(1600, 2, 29), -135081);
  EXPECT_EQ(DaysFromCivil(1600, 3, 1), -135080);
  EXPECT_EQ(DaysFromCivil(0, 3, 1), -719468);
  EXPECT_EQ(DaysFromCivil(0, 1, 1), -719528);
  EXPECT_EQ(DaysFromCivil(-1, 12, 31), -719529);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
}

// Every day of 1600 … 2400 is one after the day before it, with month lengths and leap years
// written out here: 1600-01-01 = 1600-03-01 − 31 − 29 = -135140, and 801 years later
// 2401-01-01 = -135140 + 2 × 146097 (two eras) + 366 (2400 is a leap year) = 157420.
TEST(DaysFromCivil, ConsecutiveDatesAreConsecutiveDays) {
  auto leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t expected = -135140;
  for (int y = 1600; y <= 2400; ++y) {
    for (int m = 1; m <= 12; ++m) {
      const int days = kMonthDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
      for (int d = 1; d <= days; ++d) {
        ASSERT_EQ(DaysFromCivil(y, m, d), expected) << y << "-" << m << "-" << d;
        ++expected;
      }
    }
  }
  EXPECT_EQ(expected, 157420);
  EXPECT_EQ(DaysFromCivil(2401, 1, 1), 157420);
}

// DayOf floors: the last second of a day belongs to it, also before 1970.
TEST(DayOf, FloorsToTheUtcDay) {
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(0)), 0);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(86399)), 0);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(86400)), 1);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(-1)), -1);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(-86400)), -1);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(-86401)), -2);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(1770681600)), 20494);  // 2026-02-10T00:00:00Z = 20494 × 86400
  google::protobuf::Timestamp ts;
  ts.set_seconds(-1);
  ts.set_nanos(999999999);  // 1969-12-31T23:59:59.999999999Z
  EXPECT_EQ(DayOf(ts), -1);
}

// DayOf(Timestamp) by floor division against absl's civil time: either side of midnight, before
// 1970 (negative seconds), and nanos outside the second (which take absl's path).
TEST(DayOf, TimestampSameAsAbslCivilTime) {
  for (int64_t seconds = -3 * 86400 - 1; seconds <= 3 * 86400 + 1; seconds += 1801) {
    for (int64_t s : {seconds, seconds - seconds % 86400, seconds - seconds % 86400 - 1}) {
      for (int32_t nanos : {0, 1, 999999999, -1, 1000000000, -2000000000}) {
        google::protobuf::Timestamp ts;
        ts.set_seconds(s);
        ts.set_nanos(nanos);
        const absl::Time t = absl::FromUnixSeconds(s) + absl::Nanoseconds(nanos);
        ASSERT_EQ(DayOf(ts), absl::ToCivilDay(t, absl::UTCTimeZone()) - absl::CivilDay(1970, 1, 1))
            << s << " s " << nanos << " ns";
      }
    }
  }
}

// FormatDay, DayKey and ParseDayKey (civil-calendar arithmetic) against absl's civil time: every
// day of 1960 … 2100, and years at the edges of four digits (outside them absl formats).
TEST(FormatDay, SameAsAbslCivilTime) {
  auto civil = [](int64_t day) { return absl::CivilDay(1970, 1, 1) + day; };
  for (int64_t day = D(1960, 1, 1); day <= D(2100, 12, 31); ++day) {
    const absl::CivilDay c = civil(day);
    ASSERT_EQ(FormatDay(day), absl::StrFormat("%04d-%02d-%02d", c.year(), c.month(), c.day())) << day;
    ASSERT_EQ(DayKey(day), absl::StrFormat("%04d%02d%02d", c.year(), c.month(), c.day())) << day;
    ASSERT_EQ(ParseDayKey(DayKey(day)), day) << day;
  }
  for (int64_t day : {D(2000, 2, 29), int64_t{-719528}, int64_t{-719529}, int64_t{2932896}, int64_t{2932897},
                      int64_t{-800000}, int64_t{5000000}}) {
    const absl::CivilDay c = civil(day);
    EXPECT_EQ(FormatDay(day), absl::StrFormat("%04d-%02d-%02d", c.year(), c.month(), c.day())) << day;
  }
}

TEST(FormatDay, DaysWorkedOutByHand) {
  EXPECT_EQ(FormatDay(0), "1970-01-01");
  EXPECT_EQ(FormatDay(-1), "1969-12-31");
  EXPECT_EQ(FormatDay(20494), "2026-02-10");
  EXPECT_EQ(FormatDay(20513), "2026-03-01");  // 20494 + 19 days left in February 2026
  EXPECT_EQ(FormatDay(-719528), "0000-01-01");
  EXPECT_EQ(FormatDay(2932896), "9999-12-31");
  EXPECT_EQ(DayKey(20494), "20260210");
  EXPECT_EQ(MonthKey(20494), "202602");
}

TEST(ParseDayKey, RefusesWhatIsNotADate) {
  EXPECT_EQ(ParseDayKey("20260210"), 20494);
  EXPECT_EQ(ParseDayKey("20260229"), std::nullopt);  // 2026 is not a leap year
  EXPECT_EQ(ParseDayKey("20240229"), 19782);
  EXPECT_EQ(ParseDayKey("21000229"), std::nullopt);  // 2100 is not a leap year
  EXPECT_EQ(ParseDayKey("2024-2-9"), std::nullopt);
  EXPECT_EQ(ParseDayKey("20241301"), std::nullopt);
  EXPECT_EQ(ParseDayKey("20241200"), std::nullopt);
  EXPECT_EQ(ParseDayKey("2024120"), std::nullopt);
  EXPECT_EQ(ParseDayKey("202412011"), std::nullopt);
}

}  // namespace
}  // namespace talentflow
