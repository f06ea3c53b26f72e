#pragma once
#include "dc/core/camera_intrinsics.h"
#include "dc/core/rigid_transform.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// All calibration of one drive: intrinsics per camera sensor and extrinsics between frames.
struct Calibration {
  std::map<std::string, CameraIntrinsics> cameras;  // keyed by camera sensor name ("image_02")
  std::vector<RigidTransform> extrinsics;

  // Looks up T_to_from directly or as the inverse of a stored T_from_to; chains through one intermediate frame.
  std::optional<Eigen::Isometry3d> transform(const std::string& to_frame, const std::string& from_frame) const;
  void set_transform(RigidTransform t);  // replaces an existing entry with the same frames
};

}  // namespace dc::core
