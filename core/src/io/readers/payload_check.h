#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace dc::core {

// Cheap ingest-time checks of payload files, without decoding them. Each returns the problem in words,
// or nothing when the file looks usable.
std::optional<std::string> check_velodyne_bin_size(std::uintmax_t size);
std::optional<std::string> check_png(const std::filesystem::path& file);

}  // namespace dc::core
