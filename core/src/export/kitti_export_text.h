#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/camera_intrinsics.h"

#include <Eigen/Geometry>
#include <cstdint>
#include <map>
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
// the label (not from a KITTI file) become values KITTI's readers accept: truncated 0, occluded 3 (unknown), bbox -1,
// and alpha derived from the box.
std::string kitti_label_line(const BoxLabel& box, const Eigen::Isometry3d& T_rect0_from_lidar, bool with_score);
std::string kitti_dont_care_line(const double bbox2d[4]);

// DATE/calib_cam_to_cam.txt, calib_velo_to_cam.txt and calib_imu_to_velo.txt of a KITTI raw date folder, with the
// entries the raw layout's readers use: R_rect_00, S_rect_0i and P_rect_0i = K_i [I | K_i t_i] (t_i the offset of
// rectified camera i from rectified camera 0), velo -> unrectified camera 0 as R/T, imu -> velo as R/T.
struct KittiRawCalibText {
  struct Camera {
    bool present = false;
    Eigen::Matrix3d K = Eigen::Matrix3d::Identity();
    Eigen::Vector3d t_from_rect0 = Eigen::Vector3d::Zero();
    int width = 0, height = 0;
  };
  Eigen::Matrix3d R_rect_00 = Eigen::Matrix3d::Identity();
  Camera cameras[4];
  Eigen::Isometry3d T_cam0unrect_from_velo = Eigen::Isometry3d::Identity();
  Eigen::Isometry3d T_velo_from_imu = Eigen::Isometry3d::Identity();
  std::string cam_to_cam() const;
  std::string velo_to_cam() const;
  std::string imu_to_velo() const;
};

// A KITTI raw timestamps.txt: line k is frame k-1, written as wall-clock time in `time_zone` (KITTI's local time;
// "" = UTC). Frame numbers without a time (a gap in the source) get an empty line, as the source had.
std::string kitti_timestamps_text(const std::map<std::int64_t, std::int64_t>& time_by_frame,
                                  const std::string& time_zone);

// oxts/dataformat.txt as KITTI ships it (the 30 fields of an OXTS record, in order).
const std::string& kitti_oxts_dataformat_text();

}  // namespace dc::core
