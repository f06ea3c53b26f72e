#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/camera_intrinsics.h"

#include <Eigen/Geometry>
#include <string>

namespace dc::core {

// The text files of a KITTI object split, written the way KITTI's own files are.

// calib/NNNNNN.txt. T_rect0_from_lidar becomes Tr_velo_to_cam with R0_rect = I (the catalog keeps only their
// product, and that is all a reader needs). P_i = K [I | K t_i] with t_i the offset of camera i from rectified
// camera 0; cameras the calibration does not know get K [I | 0].
struct KittiCalibText {
  Eigen::Matrix3d K = Eigen::Matrix3d::Identity();
  Eigen::Vector3d t_cam_from_rect0[4] = {Eigen::Vector3d::Zero(), Eigen::Vector3d::Zero(), Eigen::Vector3d::Zero(),
                                         Eigen::Vector3d::Zero()};
  Eigen::Isometry3d T_rect0_from_lidar = Eigen::Isometry3d::Identity();
  Eigen::Isometry3d T_lidar_from_imu = Eigen::Isometry3d::Identity();
  std::string text() const;
};

// One label_2 row: type truncated occluded alpha bbox(4) h w l x y z rotation_y [score]. KITTI extras unknown to
// the label (not from a KITTI file) become KITTI's placeholders, except alpha, which is derived from the box.
std::string kitti_label_line(const BoxLabel& box, const Eigen::Isometry3d& T_rect0_from_lidar, bool with_score);
std::string kitti_dont_care_line(const double bbox2d[4]);

}  // namespace dc::core
