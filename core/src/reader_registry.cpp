#include "dc/core/reader_registry.h"

#include "readers/kitti_object_reader.h"
#include "readers/kitti_raw_reader.h"

#include <system_error>

namespace dc::core {

const std::vector<std::unique_ptr<DriveReader>>& reader_registry() {
  static const std::vector<std::unique_ptr<DriveReader>> readers = [] {
    std::vector<std::unique_ptr<DriveReader>> r;
    r.push_back(std::make_unique<KittiRawReader>());
    r.push_back(std::make_unique<KittiObjectReader>());
    return r;
  }();
  return readers;
}

const DriveReader* reader_for_format(const std::string& format) {
  for (const auto& r : reader_registry())
    if (r->format() == format) return r.get();
  return nullptr;
}

const DriveReader* detect_reader(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return nullptr;
  for (const auto& r : reader_registry())
    if (r->detect(folder)) return r.get();
  return nullptr;
}

}  // namespace dc::core
