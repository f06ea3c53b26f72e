#pragma once
#include "dc/core/data/drive_session.h"
#include "dc/core/model/box_label.h"

#include <Eigen/Geometry>
#include <optional>

namespace dc::core {

// Where the lidar of a sample was in the world: the ego pose interpolated at the sample's time
// (DriveSession::T_world_from_imu_at) composed with the calibration's lidar-from-IMU extrinsic. None without poses.
std::optional<Eigen::Isometry3d> T_world_from_lidar(const DriveSession& session, int sample);

// The same box, standing still in the world, expressed in another frame: its centre mapped by T_to_from and its
// yaw turned by the heading change of the rotation (the box stays upright). Everything else is kept.
BoxLabel transform_box(const BoxLabel& box, const Eigen::Isometry3d& T_to_from);

}  // namespace dc::core
