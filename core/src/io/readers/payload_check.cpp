#include "io/readers/payload_check.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/png_header.h"

namespace dc::core {

std::optional<std::string> check_velodyne_bin_size(std::uintmax_t size) {
  if (size == 0) return "truncated: 0 bytes";
  if (size > kMaxPointFileBytes)
    return "implausible size " + std::to_string(size) + " bytes for one lidar sweep (limit " +
           std::to_string(kMaxPointFileBytes) + " bytes = " + std::to_string(kMaxPointFileBytes / 16) + " points)";
  if (size % 16 != 0)
    return "size " + std::to_string(size) + " is not a multiple of 16 bytes (x y z reflectance float32)";
  return std::nullopt;
}

std::optional<std::string> check_png(const std::filesystem::path& file) {
  try {
    read_png_header(file);
  } catch (const ParseError& e) {
    return e.message();
  }
  return std::nullopt;
}

}  // namespace dc::core
