#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace dc::core {

// Nanoseconds since the Unix epoch, UTC. Readers convert local recording times (KITTI writes Europe/Berlin wall
// clock without a zone) to UTC and keep the zone name on the drive.
using TimestampNs = std::int64_t;

// Recording timestamps outside these years are rejected as implausible (also keeps int64 ns far from overflow).
inline constexpr int kMinTimestampYear = 1970;
inline constexpr int kMaxTimestampYear = 2200;

// Parses KITTI's "YYYY-MM-DD HH:MM:SS.fffffffff" (1..9 fraction digits) as a wall-clock time without zone.
// Throws std::invalid_argument on anything else, and on years outside kMinTimestampYear..kMaxTimestampYear.
TimestampNs parse_kitti_timestamp(std::string_view text);

// Parses a time a user typed (command line, filter bar), as UTC:
//   "YYYY-MM-DD"                                  midnight of that day
//   "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DDTHH:MM:SS" optionally with ".f..." (any number of digits; beyond 9 digits
//                                                  truncated) and a trailing "Z"
//   "1317042145964389445"                          plain integer nanoseconds since the epoch
// Throws std::invalid_argument with a message listing the accepted forms on anything else.
TimestampNs parse_user_time(std::string_view text);

// Formats as "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" (KITTI's form).
std::string format_kitti_timestamp(TimestampNs t);
// ISO 8601 with milliseconds, for display and JSON.
std::string format_iso8601(TimestampNs t);

// Wall-clock time in IANA zone `zone` (e.g. "Europe/Berlin", read from the system's zoneinfo) to UTC and back.
// An empty zone or "UTC" is the identity. A wall time that occurs twice (end of DST) maps to the first occurrence;
// one that does not exist (start of DST) is read with the offset before the change. Thread-safe.
// Throws std::invalid_argument when the zone is unknown or its zoneinfo file is unreadable.
TimestampNs local_to_utc(TimestampNs local_wall, const std::string& zone);
TimestampNs utc_to_local(TimestampNs utc, const std::string& zone);

}  // namespace dc::core
