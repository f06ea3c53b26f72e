#pragma once
#include "dc/core/drive_reader.h"

namespace dc::core {

// KITTI raw "synced + rectified" drive: <date>/<date>_drive_<NNNN>_sync with image_00..03, velodyne_points,
// oxts and optional tracklet_labels.xml; calibration text files live in the parent (date) folder.
class KittiRawReader : public DriveReader {
public:
  std::string format() const override { return "kitti-raw"; }
  bool detect(const std::filesystem::path& folder) const override;
  Drive read(const std::filesystem::path& folder) const override;
};

}  // namespace dc::core
