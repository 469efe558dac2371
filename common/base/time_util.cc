#include "common/base/time_util.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace talentflow {

int64_t DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone()) - absl::CivilDay(1970, 1, 1);
}

int64_t DayOf(const google::protobuf::Timestamp& ts) {
  // The usual timestamp (nanos within the second) by floor division: this runs for every event
  // the fold applies and every key ingest derives; others through absl's conversion.
  if (ts.nanos() >= 0 && ts.nanos() < 1000000000) return ts.seconds() / 86400 - (ts.seconds() % 86400 < 0 ? 1 : 0);
  return DayOf(ToAbslTime(ts));
}

static absl::CivilDay CivilOf(int64_t day) { return absl::CivilDay(1970, 1, 1) + day; }

// Days and dates are converted on every bucket read and every health answer, so the common case
// (years 0000-9999) takes H. Hinnant's civil-calendar arithmetic instead of absl's formatter and
// sscanf; the results are absl's (tests/common/time_util_test.cc checks every day of 1960-2100).
namespace {

struct Ymd {
  int64_t y, m, d;
};

Ymd CivilFromDays(int64_t day) {
  const int64_t z = day + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

void PutDigits(char* out, int width, int64_t value) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
}

// "YYYY<sep>MM<sep>DD" (no separator when sep is 0), or nullopt outside years 0000-9999.
std::optional<std::string> FormatFourDigitYear(int64_t day, char sep) {
  const Ymd c = CivilFromDays(day);
  if (c.y < 0 || c.y > 9999) return std::nullopt;
  std::string out(sep ? 10 : 8, sep);
  PutDigits(&out[0], 4, c.y);
  PutDigits(&out[sep ? 5 : 4], 2, c.m);
  PutDigits(&out[sep ? 8 : 6], 2, c.d);
  return out;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string DayKey(int64_t day) {
  if (auto fast = FormatFourDigitYear(day, 0)) return *std::move(fast);
  absl::CivilDay d = CivilOf(day);
  return absl::StrFormat("%04d%02d%02d", d.year(), d.month(), d.day());
}

std::optional<int64_t> ParseDayKey(absl::string_view key) {
  if (key.size() != 8) return std::nullopt;
  int64_t digits[8];
  for (size_t i = 0; i < 8; ++i) {
    if (key[i] < '0' || key[i] > '9') return std::nullopt;
    digits[i] = key[i] - '0';
  }
  const int64_t y = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
  const int64_t m = digits[4] * 10 + digits[5], d = digits[6] * 10 + digits[7];
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

std::string FormatDay(int64_t day) {
  if (auto fast = FormatFourDigitYear(day, '-')) return *std::move(fast);
  absl::CivilDay d = CivilOf(day);
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string MonthKey(int64_t day) {
  absl::CivilDay d = CivilOf(day);
  return absl::StrFormat("%04d%02d", d.year(), d.month());
}

std::string FormatMonth(int64_t day) {
  std::string text = FormatDay(day);
  text.resize(text.size() - 3);  // "-DD"
  return text;
}

std::string FormatQuarter(int64_t day) {
  std::string text = FormatMonth(day);
  const int month = (text[text.size() - 2] - '0') * 10 + (text.back() - '0');
  text.resize(text.size() - 3);  // "-MM"
  absl::StrAppend(&text, "-Q", (month - 1) / 3 + 1);
  return text;
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
