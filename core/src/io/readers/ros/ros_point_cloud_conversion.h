#pragma once
#include "dc/core/model/point_cloud.h"
#include "io/readers/ros/ros_header.h"
#include "io/readers/ros/ros_message.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dc::core {

// sensor_msgs/PointCloud2 as the project's packed x y z intensity cloud, plus the per-point extras some lidars send.
struct RosPointCloud {
  RosHeader header;
  PointCloud cloud;                   // points with finite x, y and z, in the message's order (row by row)
  std::uint32_t height = 0;           // as sent: > 1 for organized clouds
  std::uint32_t width = 0;
  std::size_t dropped_points = 0;     // points left out for a NaN/inf coordinate
  std::string intensity_field;        // field used for intensity ("intensity", "reflectance", "i"); "" -> 0
  std::vector<std::uint16_t> ring;    // per kept point when there is a "ring" field, else empty
  std::string time_field;             // field used for time ("time", "t", "timestamp", ...); "" when none
  // Per kept point when there is a time field: offset from header.stamp in ns. Float fields are seconds, integer
  // fields nanoseconds; values that look absolute (epoch seconds/ns) have the stamp subtracted.
  std::vector<std::int64_t> time_offset_ns;
};

// Any field layout: x/y/z FLOAT32 or FLOAT64, intensity of any numeric datatype (values kept as they are, not
// rescaled), point_step/row_step padding, organized or not, big endian data. Throws ParseError (msg.source()) when
// x, y or z is missing, a field lies outside point_step, or width, height, point_step, row_step and the data size
// disagree.
RosPointCloud point_cloud_from_ros(const RosMessage& msg);

}  // namespace dc::core
