#include "dc/core/io/reader_registry.h"

#include "dc/core/io/parse_error.h"

#include "io/readers/kitti/kitti_object_reader.h"
#include "io/readers/kitti/kitti_raw_reader.h"
#include "io/readers/mcap/mcap_drive_reader.h"
#include "io/readers/nuscenes/nuscenes_reader.h"

#include <system_error>

namespace dc::core {

const std::vector<std::unique_ptr<DriveReader>>& reader_registry() {
  static const std::vector<std::unique_ptr<DriveReader>> readers = [] {
    std::vector<std::unique_ptr<DriveReader>> r;
    r.push_back(std::make_unique<KittiRawReader>());
    r.push_back(std::make_unique<KittiObjectReader>());
    r.push_back(std::make_unique<NuScenesReader>());
    r.push_back(std::make_unique<McapDriveReader>());
    return r;
  }();
  return readers;
}

const DriveReader* reader_for_format(const std::string& format) {
  for (const auto& r : reader_registry())
    if (r->format() == format) return r.get();
  return nullptr;
}

const DriveReader* detect_reader(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return nullptr;
  for (const auto& r : reader_registry())
    if (r->detect(path)) return r.get();
  return nullptr;
}

Drive DriveReader::read_single(const std::filesystem::path& path, const Progress& progress) const {
  std::vector<Drive> drives = read(path, progress);
  if (drives.size() != 1)
    throw ParseError(path, "holds " + std::to_string(drives.size()) + " drives where one was expected");
  return std::move(drives.front());
}

}  // namespace dc::core
