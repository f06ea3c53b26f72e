#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace dc::core {

// Cheap ingest-time checks of payload files, without decoding them. Each returns the problem in words,
// or nothing when the file looks usable.
// A KITTI HDL-64E sweep is ~120k points (~2 MB); a larger file than kMaxPointFileBytes is not a sweep.
inline constexpr std::uintmax_t kMaxPointFileBytes = 64ull << 20;  // 4M points
std::optional<std::string> check_velodyne_bin_size(std::uintmax_t size);
std::optional<std::string> check_png(const std::filesystem::path& file);

}  // namespace dc::core
