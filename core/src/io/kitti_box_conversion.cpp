#include "dc/core/io/kitti_box_conversion.h"

#include <cmath>

namespace dc::core {

// KITTI's camera frames have +y pointing down: a box's vertical axis is the camera y axis, its heading the
// box x axis rotated by rotation_y about +y, i.e. (cos ry, 0, -sin ry). The lidar box's vertical axis is
// lidar +z. The two verticals differ by the rig's small tilt, so the heading is matched through the vertical
// plane that contains it: lidar yaw is the azimuth of the camera heading seen in the lidar frame, and the
// inverse picks the camera heading lying in the lidar plane of that yaw. Both directions are exact inverses
// for any extrinsic, and the map is derived from the transform rather than assuming -ry - pi/2.
// KITTI's matrices are printed with 7 digits and are not exactly orthonormal, so the true matrix inverse is used
// (not the transpose) to keep round trips exact.

namespace {
constexpr double kPi = 3.14159265358979323846;

double wrap_angle(double a) {
  a = std::remainder(a, 2 * kPi);
  return a <= -kPi ? a + 2 * kPi : a;
}
}  // namespace

BoxLabel lidar_box_from_kitti(const KittiCameraBox& box, const Eigen::Isometry3d& T_rect_from_lidar) {
  const Eigen::Matrix3d R_lidar_from_rect = T_rect_from_lidar.linear().inverse();
  const Eigen::Vector3d center_rect = box.bottom_center - Eigen::Vector3d(0, box.h / 2, 0);
  const Eigen::Vector3d heading_rect(std::cos(box.rotation_y), 0, -std::sin(box.rotation_y));
  const Eigen::Vector3d heading_lidar = R_lidar_from_rect * heading_rect;

  BoxLabel out;
  out.center = R_lidar_from_rect * (center_rect - T_rect_from_lidar.translation());
  out.length = box.l;
  out.width = box.w;
  out.height = box.h;
  out.yaw = std::atan2(heading_lidar.y(), heading_lidar.x());
  return out;
}

KittiCameraBox kitti_box_from_lidar(const BoxLabel& box, const Eigen::Isometry3d& T_rect_from_lidar) {
  // Covectors map with the inverse transpose: heading_lidar . n_lidar = heading_rect . (A^-T n_lidar).
  const Eigen::Matrix3d A_inv_T = T_rect_from_lidar.linear().inverse().transpose();
  // Normal of the lidar vertical plane that holds the heading, and the forward test direction, as covectors.
  const Eigen::Vector3d n_rect = A_inv_T * Eigen::Vector3d(-std::sin(box.yaw), std::cos(box.yaw), 0);
  const Eigen::Vector3d forward_rect = A_inv_T * Eigen::Vector3d(std::cos(box.yaw), std::sin(box.yaw), 0);
  // (cos ry, 0, -sin ry) . n = 0  ->  ry = atan2(n.x, n.z) or that + pi; keep the one pointing forward.
  double ry = std::atan2(n_rect.x(), n_rect.z());
  if (std::cos(ry) * forward_rect.x() - std::sin(ry) * forward_rect.z() < 0) ry += kPi;

  KittiCameraBox out;
  out.h = box.height;
  out.w = box.width;
  out.l = box.length;
  out.bottom_center = T_rect_from_lidar * box.center + Eigen::Vector3d(0, box.height / 2, 0);
  out.rotation_y = wrap_angle(ry);
  return out;
}

std::array<Eigen::Vector3d, 8> box_corners(const BoxLabel& box) {
  const double c = std::cos(box.yaw), s = std::sin(box.yaw);
  const double hl = box.length / 2, hw = box.width / 2, hh = box.height / 2;
  // Counter-clockwise seen from above, starting front-left.
  const double local[4][2] = {{hl, hw}, {-hl, hw}, {-hl, -hw}, {hl, -hw}};
  std::array<Eigen::Vector3d, 8> corners;
  for (int i = 0; i < 4; ++i) {
    const double x = c * local[i][0] - s * local[i][1];
    const double y = s * local[i][0] + c * local[i][1];
    corners[static_cast<std::size_t>(i)] = box.center + Eigen::Vector3d(x, y, -hh);
    corners[static_cast<std::size_t>(i + 4)] = box.center + Eigen::Vector3d(x, y, hh);
  }
  return corners;
}

}  // namespace dc::core
