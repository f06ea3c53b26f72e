#pragma once
#include <string>

namespace dc::core {

enum class SensorKind { Camera, Lidar, GnssImu };
const char* to_string(SensorKind kind);
SensorKind sensor_kind_from_string(const std::string& text);  // throws std::invalid_argument

struct Sensor {
  std::string name;      // e.g. "velodyne_points", "image_02", "oxts"
  SensorKind kind = SensorKind::Lidar;
  double rate_hz = 0.0;  // nominal rate, 0 when unknown
  std::string frame_id;  // coordinate frame name used by extrinsics ("velo", "cam2", "imu")
  std::string model;     // free text: "HDL-64E", "FL2-14S3C-C", ...
};

}  // namespace dc::core
