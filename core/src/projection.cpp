#include "dc/core/projection.h"

#include <algorithm>
#include <cmath>

namespace dc::core {

namespace {
// Points closer than this are behind or too near the lens to project meaningfully.
constexpr double kMinDepth = 0.1;
}  // namespace

ProjectedPoints project_points(const PointCloud& cloud, const Eigen::Isometry3d& T_cam_from_lidar,
                               const CameraIntrinsics& intrinsics, bool with_depth_image) {
  const std::size_t n = cloud.size();
  ProjectedPoints out;
  out.width = std::max(intrinsics.width, 0);
  out.height = std::max(intrinsics.height, 0);
  out.u.assign(n, 0.f);
  out.v.assign(n, 0.f);
  out.depth.assign(n, 0.f);
  out.valid.assign(n, 0);
  if (with_depth_image) out.depth_image.assign(static_cast<std::size_t>(out.width) * out.height, 0.f);

  const Eigen::Matrix3d R = T_cam_from_lidar.linear();
  const Eigen::Vector3d t = T_cam_from_lidar.translation();
  const Eigen::Matrix3d& K = intrinsics.K;
  const auto& dist = intrinsics.distortion;
  const double k1 = dist[0], k2 = dist[1], p1 = dist[2], p2 = dist[3], k3 = dist[4];
  const bool distorted = k1 != 0 || k2 != 0 || p1 != 0 || p2 != 0 || k3 != 0;

  for (std::size_t i = 0; i < n; ++i) {
    const float* p = cloud.point(i);
    const Eigen::Vector3d pc = R * Eigen::Vector3d(p[0], p[1], p[2]) + t;
    if (!(pc.z() > kMinDepth)) continue;  // also drops NaN
    double x = pc.x() / pc.z(), y = pc.y() / pc.z();
    if (distorted) {
      // OpenCV's radial-tangential model (k1 k2 p1 p2 k3).
      const double r2 = x * x + y * y;
      const double radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3));
      const double xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
      const double yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
      x = xd;
      y = yd;
    }
    const double w = K(2, 0) * x + K(2, 1) * y + K(2, 2);
    // Bounds and pixel are decided on the float values handed out, so that callers see the same pixel.
    const auto u = static_cast<float>((K(0, 0) * x + K(0, 1) * y + K(0, 2)) / w);
    const auto v = static_cast<float>((K(1, 0) * x + K(1, 1) * y + K(1, 2)) / w);
    if (!(u >= 0.f && u < static_cast<float>(out.width) && v >= 0.f && v < static_cast<float>(out.height))) continue;

    out.u[i] = u;
    out.v[i] = v;
    out.depth[i] = static_cast<float>(pc.z());
    out.valid[i] = 1;
    ++out.valid_count;
    if (with_depth_image) {
      const std::size_t px =
          static_cast<std::size_t>(v) * static_cast<std::size_t>(out.width) + static_cast<std::size_t>(u);
      float& d = out.depth_image[px];
      if (d == 0.f || out.depth[i] < d) d = out.depth[i];
    }
  }
  return out;
}

}  // namespace dc::core
