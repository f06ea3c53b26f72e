#pragma once
#include <filesystem>

namespace dc::core {

// Filesystem questions the readers ask; they never throw (an unreadable path is simply "not there").
bool is_dir(const std::filesystem::path& p);
bool is_file(const std::filesystem::path& p);
// Absolute, lexically normal, without a trailing separator ("drive/" -> "drive"), so names and roots compare.
std::filesystem::path normalized_absolute(const std::filesystem::path& folder);

}  // namespace dc::core
