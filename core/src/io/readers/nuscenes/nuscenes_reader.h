#pragma once
#include "dc/core/io/drive_reader.h"

namespace dc::core {

// A nuScenes dataset root: one or more version folders (v1.0-mini, v1.0-trainval, v1.0-test, ...) of JSON tables
// beside samples/ and sweeps/ payloads; or one version folder (its parent is then the root). One drive per scene:
// keyframes and sweeps of LIDAR_TOP and the cameras are frames (radar channels are not read), calibrated sensors give
// the calibration (extrinsics T_ego_from_<channel>, frames named after the channels and "ego"), ego poses the
// poses, sample_annotation the ground truth boxes at the lidar keyframes.
//
// Identity: a drive's root is "<absolute dataset root>#<scene token>" (the catalog keys drives by root, and
// nuScenes scenes share one folder), so the root is not a path; strip from the last '#' to get the folder.
// A scene that appears in two version folders (mini is a subset of trainval) is read once, from the first.
class NuScenesReader : public DriveReader {
public:
  std::string format() const override { return "nuscenes"; }
  bool detect(const std::filesystem::path& path) const override;
  std::vector<Drive> read(const std::filesystem::path& path, const Progress& progress) const override;
};

}  // namespace dc::core
