#include "export/camera_view.h"

#include "dc/core/io/kitti_box_conversion.h"

#include <algorithm>
#include <array>
#include <utility>

namespace dc::core {

namespace {
constexpr double kNear = 0.05;  // metres in front of the camera: projections closer than this blow up
}

bool box_outside_view(const BoxLabel& box, const CameraModel& camera) {
  const auto corners = box_corners(box);
  std::array<Eigen::Vector3d, 8> c;
  for (int i = 0; i < 8; ++i) c[i] = camera.T_cam_from_lidar * corners[i];
  static constexpr std::array<std::pair<int, int>, 12> kEdges{{{0, 1}, {1, 2}, {2, 3}, {3, 0}, {4, 5}, {5, 6},
                                                               {6, 7}, {7, 4}, {0, 4}, {1, 5}, {2, 6}, {3, 7}}};
  const Eigen::Matrix3d& K = camera.intrinsics.K;
  double u0 = 1e300, v0 = 1e300, u1 = -1e300, v1 = -1e300;
  bool any = false;
  auto add = [&](const Eigen::Vector3d& p) {
    const Eigen::Vector3d q = K * p;
    const double u = q.x() / q.z(), v = q.y() / q.z();
    u0 = std::min(u0, u), v0 = std::min(v0, v), u1 = std::max(u1, u), v1 = std::max(v1, v);
    any = true;
  };
  for (const auto& [a, b] : kEdges) {
    Eigen::Vector3d p = c[a], q = c[b];
    if (p.z() < kNear && q.z() < kNear) continue;
    // Clip the part behind the near plane off the edge.
    if (p.z() < kNear) p = p + (q - p) * ((kNear - p.z()) / (q.z() - p.z()));
    if (q.z() < kNear) q = q + (p - q) * ((kNear - q.z()) / (p.z() - q.z()));
    add(p), add(q);
  }
  if (!any) return true;  // wholly behind the camera
  const double w = camera.intrinsics.width, h = camera.intrinsics.height;
  if (w <= 0 || h <= 0) return false;  // image size unknown: nothing to judge against
  return u1 < 0 || v1 < 0 || u0 >= w || v0 >= h;
}

void dont_care_bbox(const BoxLabel& box, const CameraModel& camera, double out[4]) {
  const double w = camera.intrinsics.width, h = camera.intrinsics.height;
  const double l = std::clamp(box.bbox2d[0], 0.0, w), t = std::clamp(box.bbox2d[1], 0.0, h);
  const double r = std::clamp(box.bbox2d[2], 0.0, w), b = std::clamp(box.bbox2d[3], 0.0, h);
  const bool known = box.bbox2d[2] > box.bbox2d[0] && box.bbox2d[3] > box.bbox2d[1];
  if (known && w > 0 && h > 0 && r > l && b > t) {
    out[0] = l, out[1] = t, out[2] = r, out[3] = b;
  } else {
    std::fill(out, out + 4, -1.0);
  }
}

}  // namespace dc::core
