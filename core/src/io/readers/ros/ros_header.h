#pragma once
#include "dc/core/model/time_stamp.h"
#include "io/readers/ros/ros_message.h"

#include <string>
#include <string_view>

namespace dc::core {

// std_msgs/Header as every converter returns it.
struct RosHeader {
  TimestampNs stamp_ns = 0;
  std::string frame_id;  // leading '/' dropped (ROS 1 tf names), as tf2 does
};

// builtin_interfaces/Time {int32 sec, uint32 nanosec} or ROS 1 time {uint32 sec, uint32 nsec} to ns since epoch.
TimestampNs ros_time_to_ns(const RosValue& time);
// std_msgs/Header of either ROS version (ROS 1's seq is ignored).
RosHeader read_ros_header(const RosValue& header);
std::string normalize_frame_id(std::string_view frame_id);

}  // namespace dc::core
