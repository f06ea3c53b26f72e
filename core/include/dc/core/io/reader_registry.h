#pragma once
#include "dc/core/io/drive_reader.h"

#include <filesystem>
#include <memory>
#include <vector>

namespace dc::core {

// The one table of readers. Detection asks each reader in order.
const std::vector<std::unique_ptr<DriveReader>>& reader_registry();
const DriveReader* reader_for_format(const std::string& format);
const DriveReader* detect_reader(const std::filesystem::path& path);  // folder or file

}  // namespace dc::core
