#include "io/readers/mcap/mcap_ros_topic.h"

#include "io/readers/ros/ros_msg_definition.h"

namespace dc::core {

RosTopicKind ros_topic_kind(std::string_view schema_name) {
  const std::string name = normalize_ros_type_name(schema_name);
  if (name == "sensor_msgs/PointCloud2") return RosTopicKind::PointCloud;
  if (name == "sensor_msgs/Image") return RosTopicKind::Image;
  if (name == "sensor_msgs/CompressedImage") return RosTopicKind::CompressedImage;
  if (name == "sensor_msgs/NavSatFix") return RosTopicKind::NavSatFix;
  if (name == "nav_msgs/Odometry") return RosTopicKind::Odometry;
  if (name == "sensor_msgs/CameraInfo") return RosTopicKind::CameraInfo;
  if (name == "tf2_msgs/TFMessage") return RosTopicKind::Tf;
  return RosTopicKind::Unsupported;
}

bool is_sensor(RosTopicKind kind) {
  switch (kind) {
    case RosTopicKind::PointCloud:
    case RosTopicKind::Image:
    case RosTopicKind::CompressedImage:
    case RosTopicKind::NavSatFix:
    case RosTopicKind::Odometry: return true;
    default: return false;
  }
}

SensorKind sensor_kind(RosTopicKind kind) {
  switch (kind) {
    case RosTopicKind::PointCloud: return SensorKind::Lidar;
    case RosTopicKind::Image:
    case RosTopicKind::CompressedImage: return SensorKind::Camera;
    default: return SensorKind::GnssImu;
  }
}

std::string unique_sensor_name(std::string_view topic, std::set<std::string>& used) {
  while (!topic.empty() && topic.front() == '/') topic.remove_prefix(1);
  std::string base;
  for (char c : topic.substr(0, 120)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    base += keep ? c : '_';
  }
  if (base.empty()) base = "topic";
  std::string name = base;
  for (int n = 2; used.count(name); ++n) name = base + "_" + std::to_string(n);
  used.insert(name);
  return name;
}

}  // namespace dc::core
