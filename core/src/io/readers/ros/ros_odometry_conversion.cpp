#include "io/readers/ros/ros_odometry_conversion.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/ros/ros_tf_conversion.h"

namespace dc::core {

namespace {
Eigen::Vector3d vector3(const RosValue& v) {
  return Eigen::Vector3d(v.field("x").as_double(), v.field("y").as_double(), v.field("z").as_double());
}
}  // namespace

RosOdometry odometry_from_ros(const RosMessage& msg) {
  const RosValue root = msg.root();
  RosOdometry out;
  out.header = read_ros_header(root.field("header"));
  out.child_frame_id = normalize_frame_id(root.field("child_frame_id").as_string());
  const RosValue pose = root.at("pose.pose");
  const auto T = ros_isometry(pose.field("position"), pose.field("orientation"));
  if (!T)
    throw ParseError(msg.source(), "Odometry: non-finite position or zero/non-finite orientation quaternion");
  out.T_frame_from_child = *T;
  const RosValue twist = root.at("twist.twist");
  out.linear_velocity = vector3(twist.field("linear"));
  out.angular_velocity = vector3(twist.field("angular"));
  out.twist_linear_x = out.linear_velocity.x();
  return out;
}

}  // namespace dc::core
