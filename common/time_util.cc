#include "common/time_util.h"

#include <cstdio>

#include "absl/strings/str_format.h"

namespace talentflow {

int64_t DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone()) - absl::CivilDay(1970, 1, 1);
}

int64_t DayOf(const google::protobuf::Timestamp& ts) { return DayOf(ToAbslTime(ts)); }

static absl::CivilDay CivilOf(int64_t day) { return absl::CivilDay(1970, 1, 1) + day; }

std::string DayKey(int64_t day) {
  absl::CivilDay d = CivilOf(day);
  return absl::StrFormat("%04d%02d%02d", d.year(), d.month(), d.day());
}

std::optional<int64_t> ParseDayKey(absl::string_view key) {
  int y = 0, m = 0, d = 0;
  if (key.size() != 8 || std::sscanf(std::string(key).c_str(), "%4d%2d%2d", &y, &m, &d) != 3) return std::nullopt;
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day - absl::CivilDay(1970, 1, 1);
}

std::string FormatDay(int64_t day) {
  absl::CivilDay d = CivilOf(day);
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string MonthKey(int64_t day) {
  absl::CivilDay d = CivilOf(day);
  return absl::StrFormat("%04d%02d", d.year(), d.month());
}

absl::Time ToAbslTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t nanos = absl::ToUnixNanos(t);
  ts.set_seconds(absl::ToUnixSeconds(t));
  ts.set_nanos(static_cast<int32_t>(nanos - ts.seconds() * 1000000000));
  return ts;
}

absl::StatusOr<absl::Time> ParseTime(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (text.size() == 10 && absl::ParseTime("%Y-%m-%d", std::string(text), absl::UTCTimeZone(), &t, &err)) {
    return t;
  }
  if (absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) return t;
  return absl::InvalidArgumentError(
      absl::StrFormat("bad time \"%s\": expected YYYY-MM-DD or RFC 3339 (2026-02-10T12:00:00Z)", text));
}

}  // namespace talentflow
