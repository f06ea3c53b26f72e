#pragma once
#include "dc/core/io/drive_reader.h"

namespace dc::core {

// KITTI 3D object benchmark split: training/ or testing/ with calib/, velodyne/, image_2/ and label_2/
// (training only), one file per frame named NNNNNN.
class KittiObjectReader : public DriveReader {
public:
  std::string format() const override { return "kitti-object"; }
  bool detect(const std::filesystem::path& path) const override;
  std::vector<Drive> read(const std::filesystem::path& path, const Progress& progress) const override;  // one drive

private:
  Drive read_drive(const std::filesystem::path& folder, const Progress& progress) const;
};

}  // namespace dc::core
