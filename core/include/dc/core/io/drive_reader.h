#pragma once
#include "dc/core/model/drive.h"
#include "dc/core/util/progress.h"

#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

// A pure parser of one on-disk layout. It maps a path (a folder or a file) to the drives stored there: one for a
// KITTI raw drive folder or a KITTI object split, many for a root of scenes. It reads metadata (calibration,
// timestamps, labels, poses) and payload locations; payloads are loaded later on demand. Problems in single files
// go into Drive::errors; only a path that cannot hold a drive at all throws ParseError.
class DriveReader {
public:
  virtual ~DriveReader() = default;
  virtual std::string format() const = 0;  // stable id stored in the catalog
  // True when `path` is the root of this layout (looks at names only, cheap).
  virtual bool detect(const std::filesystem::path& path) const = 0;
  // Checks `progress.cancelled()` between files and throws Cancelled.
  virtual std::vector<Drive> read(const std::filesystem::path& path, const Progress& progress) const = 0;

  // For layouts with one drive per path: that drive (throws ParseError when the path holds another count).
  Drive read_single(const std::filesystem::path& path, const Progress& progress = {}) const;
};

}  // namespace dc::core
