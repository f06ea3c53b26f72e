#pragma once
#include <Eigen/Core>
#include <array>

namespace dc::core {

// Pinhole camera with radial-tangential distortion (OpenCV order k1 k2 p1 p2 k3).
// For KITTI's rectified images K comes from P_rect and distortion is zero.
struct CameraIntrinsics {
  Eigen::Matrix3d K = Eigen::Matrix3d::Identity();
  std::array<double, 5> distortion{0, 0, 0, 0, 0};
  int width = 0;
  int height = 0;
};

}  // namespace dc::core
