#pragma once
#include <Eigen/Geometry>
#include <cstdint>
#include <string>

namespace dc::core {

enum class CalibrationSource { File, Refined, Generated };
const char* to_string(CalibrationSource source);
CalibrationSource calibration_source_from_string(const std::string& text);

// SE(3) extrinsic between named frames. T_to_from maps a point in `from_frame` into `to_frame`:
// p_to = T_to_from * p_from (e.g. to="cam2", from="velo" is T_cam2_from_velo).
struct RigidTransform {
  std::string to_frame;
  std::string from_frame;
  Eigen::Isometry3d T_to_from = Eigen::Isometry3d::Identity();
  CalibrationSource source = CalibrationSource::File;
  std::int64_t valid_from_ns = INT64_MIN;  // validity interval, open by default
  std::int64_t valid_to_ns = INT64_MAX;
};

}  // namespace dc::core
