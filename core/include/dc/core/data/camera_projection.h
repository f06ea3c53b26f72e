#pragma once
#include "dc/core/model/camera_intrinsics.h"
#include "dc/core/model/point_cloud.h"
#include "dc/core/model/projection.h"

#include <Eigen/Geometry>
#include <cstdint>
#include <vector>

namespace dc::core {

// Lidar points projected into one camera, plus the order to draw them in: far first, so near points end up on top
// (a painter's z-buffer at dot resolution). Computed where the sample is loaded, off any GUI thread.
struct CameraProjection {
  ProjectedPoints points;
  std::vector<std::uint32_t> far_to_near;  // indexes of valid points, farthest first (stable for equal depth)
};

CameraProjection project_far_to_near(const PointCloud& cloud, const Eigen::Isometry3d& T_cam_from_lidar,
                                     const CameraIntrinsics& intrinsics);

}  // namespace dc::core
