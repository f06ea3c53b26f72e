#pragma once
#include "dc/core/model/camera_intrinsics.h"
#include "dc/core/model/point_cloud.h"

#include <Eigen/Geometry>
#include <cstdint>
#include <vector>

namespace dc::core {

// Lidar points projected into one camera. The single projection entry point of the project; it runs on the
// dc_gpu projection kernel (CUDA when present, else the multithreaded CPU path).
// Pixel centers are at integer coordinates (OpenCV): pixel (i, j) covers [i - 0.5, i + 0.5) x [j - 0.5, j + 0.5).
struct ProjectedPoints {
  std::vector<float> u, v, depth;          // per input point; meaningful only where valid[i]
  std::vector<std::uint8_t> valid;         // finite, in front of the camera (z > 0.1 m) and inside the image
  std::vector<float> depth_image;          // width*height, nearest depth per pixel, 0 where empty
  int width = 0, height = 0;
  std::size_t valid_count = 0;
};

ProjectedPoints project_points(const PointCloud& cloud, const Eigen::Isometry3d& T_cam_from_lidar,
                               const CameraIntrinsics& intrinsics, bool with_depth_image = true);

}  // namespace dc::core
