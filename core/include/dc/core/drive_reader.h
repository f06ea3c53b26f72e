#pragma once
#include "dc/core/drive.h"

#include <filesystem>
#include <string>

namespace dc::core {

// A pure parser of one on-disk layout. It reads metadata (calibration, timestamps, labels, poses) and payload
// locations; payloads are loaded later on demand. Problems in single files go into Drive::errors; only a folder
// that cannot be a drive at all throws ParseError.
class DriveReader {
public:
  virtual ~DriveReader() = default;
  virtual std::string format() const = 0;  // stable id stored in the catalog
  // True when `folder` is the root of one drive in this layout (looks at names only, cheap).
  virtual bool detect(const std::filesystem::path& folder) const = 0;
  virtual Drive read(const std::filesystem::path& folder) const = 0;
};

}  // namespace dc::core
