#pragma once
#include "io/readers/ros/ros_header.h"
#include "io/readers/ros/ros_message.h"

#include <Eigen/Geometry>
#include <string>

namespace dc::core {

// nav_msgs/Odometry: the pose of child_frame_id in header.frame_id (usually odom <- base_link), twist in the child
// frame.
struct RosOdometry {
  RosHeader header;
  std::string child_frame_id;  // leading '/' dropped
  Eigen::Isometry3d T_frame_from_child = Eigen::Isometry3d::Identity();  // pose.pose
  double twist_linear_x = 0;   // forward speed, m/s
  Eigen::Vector3d linear_velocity = Eigen::Vector3d::Zero();
  Eigen::Vector3d angular_velocity = Eigen::Vector3d::Zero();
};

// Throws ParseError for a non-finite position or a zero/non-finite orientation quaternion.
RosOdometry odometry_from_ros(const RosMessage& msg);

}  // namespace dc::core
