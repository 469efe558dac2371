// Time helpers: UTC days (the unit of every view bucket and as_of) and parsing of user dates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace talentflow {

// Days since 1970-01-01 of the UTC date of `t` (floor, also for times before 1970).
int64_t DayOf(absl::Time t);
int64_t DayOf(const google::protobuf::Timestamp& ts);

// Days since 1970-01-01 of the proleptic Gregorian date y-m-d (H. Hinnant's days_from_civil).
// REQUIRES: a valid date (1 <= m <= 12, d within the month). Example: DaysFromCivil(2026, 2, 10) == 20494.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d);

// "20260210" for day 20494. Sorts like the days it names for years 1000..9999.
std::string DayKey(int64_t day);
// The day of a DayKey ("20260210"); nullopt when `key` is not one.
std::optional<int64_t> ParseDayKey(absl::string_view key);
// "2026-02-10".
std::string FormatDay(int64_t day);
// "202602": the month of `day`.
std::string MonthKey(int64_t day);
// "2026-02": the month of `day`, its year as FormatDay writes it.
std::string FormatMonth(int64_t day);
// "2026-Q1": the quarter of `day`, its year as FormatDay writes it.
std::string FormatQuarter(int64_t day);

absl::Time ToAbslTime(const google::protobuf::Timestamp& ts);
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// Parses "2026-02-10" (start of that UTC day) or RFC 3339 ("2026-02-10T12:00:00Z").
// InvalidArgument naming the accepted forms otherwise.
absl::StatusOr<absl::Time> ParseTime(absl::string_view text);

}  // namespace talentflow
