#include "dc/core/model/drive.h"

namespace dc::core {

const Sensor* Drive::find_sensor(const std::string& sensor_name) const {
  for (const auto& s : sensors)
    if (s.name == sensor_name) return &s;
  return nullptr;
}

std::string Drive::lidar_sensor() const {
  for (const auto& s : sensors)
    if (s.kind == SensorKind::Lidar) return s.name;
  return {};
}

const Calibration* Drive::calibration_at(TimestampNs t) const {
  for (const auto& c : calibrations)
    if (t >= c.valid_from_ns && t < c.valid_to_ns) return &c;
  return nullptr;
}

std::filesystem::path Drive::location_of(const std::string& root) {
  std::error_code ec;
  if (std::filesystem::exists(root, ec)) return root;  // a folder whose name holds a '#' is itself
  const auto hash = root.rfind('#');
  return hash == std::string::npos ? std::filesystem::path(root) : std::filesystem::path(root.substr(0, hash));
}

}  // namespace dc::core
