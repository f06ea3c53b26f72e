#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace dc::core {

// Nanoseconds since the Unix epoch. KITTI writes local wall-clock time without a zone; it is read as UTC so
// that the numbers are stable across machines.
using TimestampNs = std::int64_t;

// Parses "YYYY-MM-DD HH:MM:SS.fffffffff" (1..9 fraction digits). Throws std::invalid_argument on anything else.
TimestampNs parse_kitti_timestamp(std::string_view text);
// Formats as "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" (KITTI's form).
std::string format_kitti_timestamp(TimestampNs t);
// ISO 8601 with milliseconds, for display and JSON.
std::string format_iso8601(TimestampNs t);

}  // namespace dc::core
