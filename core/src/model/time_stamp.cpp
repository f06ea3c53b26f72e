#include "dc/core/model/time_stamp.h"

#include <cstdio>
#include <limits>
#include <stdexcept>

namespace dc::core {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

// Howard Hinnant's days_from_civil / civil_from_days: proleptic Gregorian calendar, no locale, no time zone.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

[[noreturn]] void reject(std::string_view text, const std::string& why) {
  throw std::invalid_argument("invalid timestamp '" + std::string(text) +
                              "': " + why + " (expected YYYY-MM-DD HH:MM:SS.fffffffff)");
}

// Reads exactly `count` decimal digits at `pos`; `field` names them in the message ("month must be 2 digits").
unsigned digits(std::string_view text, std::size_t pos, std::size_t count, const char* field) {
  unsigned value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = pos + i < text.size() ? text[pos + i] : '\0';
    if (c < '0' || c > '9') reject(text, std::string(field) + " must be " + std::to_string(count) + " digits");
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

void expect(std::string_view text, std::size_t pos, char c) {
  if (pos >= text.size() || text[pos] != c)
    reject(text, "expected '" + std::string(1, c) + "' at position " + std::to_string(pos + 1));
}

// Floor division so that times before 1970 format correctly.
std::pair<std::int64_t, std::int64_t> split_seconds(TimestampNs t) {
  std::int64_t s = t / kNsPerSecond;
  std::int64_t ns = t % kNsPerSecond;
  if (ns < 0) {
    ns += kNsPerSecond;
    --s;
  }
  return {s, ns};
}

struct Broken {
  Civil date;
  int hour, minute, second;
  std::int64_t ns;
};

Broken break_down(TimestampNs t) {
  auto [s, ns] = split_seconds(t);
  std::int64_t days = s / kSecondsPerDay;
  std::int64_t rem = s % kSecondsPerDay;
  if (rem < 0) {
    rem += kSecondsPerDay;
    --days;
  }
  return {civil_from_days(days), static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
          static_cast<int>(rem % 60), ns};
}

}  // namespace

TimestampNs parse_kitti_timestamp(std::string_view text) {
  // Fixed layout: positions are checked one by one so that any stray character is rejected.
  if (text.size() < 21) reject(text, "too short");
  const unsigned year = digits(text, 0, 4, "year");
  expect(text, 4, '-');
  const unsigned month = digits(text, 5, 2, "month");
  expect(text, 7, '-');
  const unsigned day = digits(text, 8, 2, "day");
  expect(text, 10, ' ');
  const unsigned hour = digits(text, 11, 2, "hour");
  expect(text, 13, ':');
  const unsigned minute = digits(text, 14, 2, "minute");
  expect(text, 16, ':');
  const unsigned second = digits(text, 17, 2, "second");
  expect(text, 19, '.');
  const std::size_t fraction_digits = text.size() - 20;
  if (fraction_digits < 1 || fraction_digits > 9)
    reject(text, "fraction must have 1 to 9 digits, got " + std::to_string(fraction_digits) + " characters");
  for (std::size_t i = 20; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') reject(text, "fraction must be 1 to 9 digits");
  std::int64_t ns = digits(text, 20, fraction_digits, "fraction");
  for (std::size_t i = fraction_digits; i < 9; ++i) ns *= 10;

  if (month < 1 || month > 12) reject(text, "month " + std::to_string(month) + " out of range 1..12");
  if (day < 1 || day > days_in_month(year, month))
    reject(text, "day " + std::to_string(day) + " out of range for month " + std::to_string(month));
  if (hour > 23) reject(text, "hour " + std::to_string(hour) + " out of range 0..23");
  if (minute > 59) reject(text, "minute " + std::to_string(minute) + " out of range 0..59");
  if (second > 59) reject(text, "second " + std::to_string(second) + " out of range 0..59");

  const std::int64_t seconds =
      days_from_civil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  // int64 nanoseconds cover 1677..2262.
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / kNsPerSecond - 1;
  if (seconds > kMaxSeconds || seconds < -kMaxSeconds) reject(text, "outside the representable range");
  return seconds * kNsPerSecond + ns;
}

std::string format_kitti_timestamp(TimestampNs t) {
  const Broken b = break_down(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02d:%02d:%02d.%09lld", static_cast<long long>(b.date.year),
                b.date.month, b.date.day, b.hour, b.minute, b.second, static_cast<long long>(b.ns));
  return buf;
}

std::string format_iso8601(TimestampNs t) {
  const Broken b = break_down(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03lldZ", static_cast<long long>(b.date.year),
                b.date.month, b.date.day, b.hour, b.minute, b.second,
                static_cast<long long>(b.ns / 1'000'000));
  return buf;
}

}  // namespace dc::core
