#pragma once
#include "dc/core/model/time_stamp.h"
#include "io/readers/ros/ros_message.h"

#include <Eigen/Geometry>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// One geometry_msgs/TransformStamped of a tf2_msgs/TFMessage: T_parent_from_child maps a point in the child frame
// into the parent frame (header.frame_id is the parent, child_frame_id the child).
struct RosTransform {
  TimestampNs stamp_ns = 0;
  std::string parent_frame;  // leading '/' dropped
  std::string child_frame;
  Eigen::Isometry3d T_parent_from_child = Eigen::Isometry3d::Identity();
};

// tf2_msgs/TFMessage (/tf and /tf_static). Throws ParseError for a non-finite translation or a quaternion that is
// zero or not finite; others are normalized.
std::vector<RosTransform> transforms_from_ros(const RosMessage& msg);

// {x y z} and {x y z w} messages (Vector3/Point and Quaternion) to a rigid transform with the quaternion
// normalized; nullopt for a non-finite translation or a zero or non-finite quaternion.
std::optional<Eigen::Isometry3d> ros_isometry(const RosValue& translation, const RosValue& rotation);

}  // namespace dc::core
