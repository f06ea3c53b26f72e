#include "dc/core/data/camera_projection.h"

#include <algorithm>

namespace dc::core {

CameraProjection project_far_to_near(const PointCloud& cloud, const Eigen::Isometry3d& T_cam_from_lidar,
                                     const CameraIntrinsics& intrinsics) {
  CameraProjection out;
  out.points = project_points(cloud, T_cam_from_lidar, intrinsics, false);
  out.far_to_near.reserve(out.points.valid_count);
  for (std::size_t i = 0; i < out.points.valid.size(); ++i)
    if (out.points.valid[i]) out.far_to_near.push_back(static_cast<std::uint32_t>(i));
  std::stable_sort(out.far_to_near.begin(), out.far_to_near.end(),
                   [&depth = out.points.depth](std::uint32_t a, std::uint32_t b) { return depth[a] > depth[b]; });
  return out;
}

}  // namespace dc::core
