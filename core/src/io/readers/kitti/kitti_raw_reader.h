#pragma once
#include "dc/core/io/drive_reader.h"

namespace dc::core {

// KITTI raw "synced + rectified" drive: <date>/<date>_drive_<NNNN>_sync with image_00..03, velodyne_points,
// oxts and optional tracklet_labels.xml; calibration text files live in the parent (date) folder.
class KittiRawReader : public DriveReader {
public:
  std::string format() const override { return "kitti-raw"; }
  bool detect(const std::filesystem::path& path) const override;
  std::vector<Drive> read(const std::filesystem::path& path, const Progress& progress) const override;  // one drive

private:
  Drive read_drive(const std::filesystem::path& folder, const Progress& progress) const;
};

}  // namespace dc::core
