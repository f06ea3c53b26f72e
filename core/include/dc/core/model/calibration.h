#pragma once
#include "dc/core/model/camera_intrinsics.h"
#include "dc/core/model/rigid_transform.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// Calibration valid over a time interval: intrinsics per camera sensor and extrinsics between frames.
// Several can exist per drive with different validity (the KITTI object split has one per frame).
struct Calibration {
  std::int64_t valid_from_ns = INT64_MIN;  // validity interval [from, to), open by default
  std::int64_t valid_to_ns = INT64_MAX;
  std::map<std::string, CameraIntrinsics> cameras;  // keyed by camera sensor name ("image_02")
  std::vector<RigidTransform> extrinsics;
  CalibrationSource source = CalibrationSource::File;  // File: read with the drive; Refined: by a pass run
  std::optional<std::int64_t> run_id;  // the pass run that refined it

  // Looks up T_to_from directly or as the inverse of a stored T_from_to; chains through one intermediate frame.
  std::optional<Eigen::Isometry3d> transform(const std::string& to_frame, const std::string& from_frame) const;
  void set_transform(RigidTransform t);  // replaces an existing entry with the same frames
};

}  // namespace dc::core
