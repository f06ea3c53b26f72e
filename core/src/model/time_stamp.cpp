#include "dc/core/model/time_stamp.h"

#include "model/civil_calendar.h"

#include "dc/core/model/ingest_error.h"

#include <charconv>
#include <cstdio>
#include <system_error>
#include <limits>
#include <stdexcept>

namespace dc::core {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

constexpr const char* kKittiForm = "expected YYYY-MM-DD HH:MM:SS.fffffffff";
constexpr const char* kUserForms =
    "accepted: YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fff...] (or with T instead of the space, optional Z), "
    "or integer nanoseconds since 1970-01-01 UTC";

[[noreturn]] void reject(std::string_view text, const std::string& why, const char* forms) {
  throw std::invalid_argument("invalid timestamp '" + quote_input(text) + "': " + why + " (" + forms + ")");
}

// Reads exactly `count` decimal digits at `pos`; `field` names them in the message ("month must be 2 digits").
unsigned digits(std::string_view text, std::size_t pos, std::size_t count, const char* field, const char* forms) {
  unsigned value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = pos + i < text.size() ? text[pos + i] : '\0';
    if (c < '0' || c > '9')
      reject(text, std::string(field) + " must be " + std::to_string(count) + " digits", forms);
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

void expect(std::string_view text, std::size_t pos, char c, const char* forms) {
  if (pos >= text.size() || text[pos] != c)
    reject(text, "expected '" + std::string(1, c) + "' at position " + std::to_string(pos + 1), forms);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

struct Layout {
  bool kitti;  // KITTI's fixed form: ' ' separator, 1..9 fraction digits required
};

// Shared by both parsers so that a file and a user never disagree about what a date means.
TimestampNs parse_date_time(std::string_view text, Layout layout) {
  const char* forms = layout.kitti ? kKittiForm : kUserForms;
  if (layout.kitti && text.size() < 21) reject(text, "too short", forms);
  if (!layout.kitti && text.size() < 10) reject(text, "too short", forms);
  const unsigned year = digits(text, 0, 4, "year", forms);
  expect(text, 4, '-', forms);
  const unsigned month = digits(text, 5, 2, "month", forms);
  expect(text, 7, '-', forms);
  const unsigned day = digits(text, 8, 2, "day", forms);
  unsigned hour = 0, minute = 0, second = 0;
  std::int64_t ns = 0;
  std::string_view rest = text.substr(10);
  if (!layout.kitti && !rest.empty() && rest.back() == 'Z') rest.remove_suffix(1);
  if (layout.kitti || !rest.empty()) {
    if (layout.kitti) expect(text, 10, ' ', forms);
    else if (text[10] != ' ' && text[10] != 'T')
      reject(text, "expected ' ' or 'T' at position 11", forms);
    hour = digits(text, 11, 2, "hour", forms);
    expect(text, 13, ':', forms);
    minute = digits(text, 14, 2, "minute", forms);
    expect(text, 16, ':', forms);
    second = digits(text, 17, 2, "second", forms);
    const std::size_t end = 10 + rest.size();  // without a trailing Z
    if (layout.kitti || end > 19) {
      expect(text, 19, '.', forms);
      const std::string_view fraction = text.substr(20, end - 20);
      if (layout.kitti && (fraction.size() < 1 || fraction.size() > 9))
        reject(text, "fraction must have 1 to 9 digits, got " + std::to_string(fraction.size()) + " characters",
               forms);
      if (!all_digits(fraction)) reject(text, "fraction must be digits", forms);
      for (std::size_t i = 0; i < 9; ++i) ns = ns * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
  }

  if (month < 1 || month > 12) reject(text, "month " + std::to_string(month) + " out of range 1..12", forms);
  if (day < 1 || day > days_in_month(year, month))
    reject(text, "day " + std::to_string(day) + " out of range for month " + std::to_string(month), forms);
  if (hour > 23) reject(text, "hour " + std::to_string(hour) + " out of range 0..23", forms);
  if (minute > 59) reject(text, "minute " + std::to_string(minute) + " out of range 0..59", forms);
  if (second > 59) reject(text, "second " + std::to_string(second) + " out of range 0..59", forms);
  if (year < static_cast<unsigned>(kMinTimestampYear) || year > static_cast<unsigned>(kMaxTimestampYear))
    reject(text,
           "year " + std::to_string(year) + " out of range " + std::to_string(kMinTimestampYear) + ".." +
               std::to_string(kMaxTimestampYear),
           forms);
  const std::int64_t seconds =
      days_from_civil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  return seconds * kNsPerSecond + ns;
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
  CivilDate date;
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

TimestampNs parse_kitti_timestamp(std::string_view text) { return parse_date_time(text, {true}); }

TimestampNs parse_user_time(std::string_view text) {
  // A date always has '-' after four digits, so a digits-only text is unambiguously nanoseconds.
  if (all_digits(text)) {
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size())
      reject(text, "integer nanoseconds out of range", kUserForms);
    constexpr std::int64_t kMaxNs =
        (static_cast<std::int64_t>(kMaxTimestampYear - 1969) * 366) * kSecondsPerDay * kNsPerSecond;
    if (value > kMaxNs) reject(text, "integer nanoseconds out of range", kUserForms);
    return value;
  }
  return parse_date_time(text, {false});
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
