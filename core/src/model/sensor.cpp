#include "dc/core/model/sensor.h"

#include <stdexcept>

namespace dc::core {

const char* to_string(SensorKind kind) {
  switch (kind) {
    case SensorKind::Camera: return "camera";
    case SensorKind::Lidar: return "lidar";
    case SensorKind::GnssImu: return "gnss_imu";
  }
  return "?";
}

SensorKind sensor_kind_from_string(const std::string& text) {
  if (text == "camera") return SensorKind::Camera;
  if (text == "lidar") return SensorKind::Lidar;
  if (text == "gnss_imu") return SensorKind::GnssImu;
  throw std::invalid_argument("unknown sensor kind '" + text + "'");
}

}  // namespace dc::core
