#pragma once
#include "dc/core/model/sensor.h"

#include <set>
#include <string>
#include <string_view>

namespace dc::core {

// What DriveCurator makes of an MCAP topic, by its ROS schema name.
enum class RosTopicKind {
  PointCloud,       // sensor_msgs/PointCloud2: lidar
  Image,            // sensor_msgs/Image: camera
  CompressedImage,  // sensor_msgs/CompressedImage: camera
  NavSatFix,        // sensor_msgs/NavSatFix: gnss_imu
  Odometry,         // nav_msgs/Odometry: gnss_imu
  CameraInfo,       // sensor_msgs/CameraInfo: intrinsics of a camera
  Tf,               // tf2_msgs/TFMessage: extrinsics
  Unsupported,      // any other schema, or none
  Skipped,          // a supported schema whose definition could not be used
};

// "sensor_msgs/msg/PointCloud2" and "sensor_msgs/PointCloud2" alike.
RosTopicKind ros_topic_kind(std::string_view schema_name);
bool is_sensor(RosTopicKind kind);
SensorKind sensor_kind(RosTopicKind kind);  // for is_sensor() kinds

// A topic as a sensor name: leading '/' dropped, anything but letters, digits, '-' and '_' turned into '_'
// ("/cam_front/image_raw" -> "cam_front_image_raw"); made unique against `used` with a "_2", "_3"... suffix and
// added to it.
std::string unique_sensor_name(std::string_view topic, std::set<std::string>& used);

}  // namespace dc::core
