#pragma once
#include "dc/core/model/time_stamp.h"

#include <Eigen/Geometry>

namespace dc::core {

// Ego pose from GNSS/IMU. T_world_from_imu maps IMU-frame points into the drive's world frame, which is the
// IMU frame of the first fix (first pose is the identity), positions from a Mercator projection with the scale
// of that first fix, as KITTI's devkit does.
struct Pose {
  TimestampNs timestamp_ns = 0;
  Eigen::Isometry3d T_world_from_imu = Eigen::Isometry3d::Identity();
  double latitude_deg = 0, longitude_deg = 0, altitude_m = 0;
  double roll = 0, pitch = 0, yaw = 0;  // radians, as OXTS reports
  double forward_velocity_mps = 0;
};

}  // namespace dc::core
