#pragma once
#include "io/readers/ros/ros_header.h"
#include "io/readers/ros/ros_message.h"

#include <array>

namespace dc::core {

// sensor_msgs/NavSatFix (WGS 84).
struct RosNavSatFix {
  RosHeader header;
  double latitude = 0;   // degrees, north positive
  double longitude = 0;  // degrees, east positive
  double altitude = 0;   // m above the ellipsoid; NaN when the receiver has none
  int status = -2;       // NavSatStatus: -2 unknown, -1 no fix, 0 fix, 1 SBAS, 2 GBAS
  unsigned service = 0;  // bit field: 1 GPS, 2 GLONASS, 4 COMPASS, 8 GALILEO
  std::array<double, 9> position_covariance{};  // ENU, row-major, m^2
  int position_covariance_type = 0;             // 0 unknown, 1 approximated, 2 diagonal known, 3 known
};

// Values as sent (no range checks: a NO_FIX message may carry anything); throws ParseError on missing fields.
RosNavSatFix nav_sat_fix_from_ros(const RosMessage& msg);

}  // namespace dc::core
