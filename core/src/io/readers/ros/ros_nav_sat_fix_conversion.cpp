#include "io/readers/ros/ros_nav_sat_fix_conversion.h"

#include "dc/core/io/parse_error.h"

namespace dc::core {

RosNavSatFix nav_sat_fix_from_ros(const RosMessage& msg) {
  const RosValue root = msg.root();
  RosNavSatFix out;
  out.header = read_ros_header(root.field("header"));
  out.status = static_cast<int>(root.at("status.status").as_int());
  out.service = static_cast<unsigned>(root.at("status.service").as_uint());
  out.latitude = root.field("latitude").as_double();
  out.longitude = root.field("longitude").as_double();
  out.altitude = root.field("altitude").as_double();
  const std::vector<double> cov = root.field("position_covariance").as_doubles();
  if (cov.size() != 9)
    throw ParseError(msg.source(), "NavSatFix: position_covariance has " + std::to_string(cov.size()) +
                                       " values (expected 9)");
  std::copy(cov.begin(), cov.end(), out.position_covariance.begin());
  out.position_covariance_type = static_cast<int>(root.field("position_covariance_type").as_int());
  return out;
}

}  // namespace dc::core
