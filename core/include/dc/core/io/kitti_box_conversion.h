#pragma once
#include "dc/core/model/box_label.h"

#include <Eigen/Geometry>

namespace dc::core {

// KITTI object labels live in the rectified camera-0 frame: h w l, bottom-center x y z, rotation_y about +y (down).
struct KittiCameraBox {
  double h = 0, w = 0, l = 0;
  Eigen::Vector3d bottom_center = Eigen::Vector3d::Zero();
  double rotation_y = 0;
};

// T_rect_from_lidar = R0_rect * Tr_velo_to_cam (lidar -> rectified camera 0).
// The only place that converts between the two box conventions.
BoxLabel lidar_box_from_kitti(const KittiCameraBox& box, const Eigen::Isometry3d& T_rect_from_lidar);
KittiCameraBox kitti_box_from_lidar(const BoxLabel& box, const Eigen::Isometry3d& T_rect_from_lidar);

// The 8 corners of a lidar-frame box (bottom four counter-clockwise from front-left, then top four).
std::array<Eigen::Vector3d, 8> box_corners(const BoxLabel& box);

}  // namespace dc::core
