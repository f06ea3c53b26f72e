#pragma once
#include "passes/autolabel/detection.h"

#include <Eigen/Core>

namespace dc::core::autolabel {

// A detection's outline seen along a given heading: its extents on the heading's axis (length) and the axis 90
// degrees to its left (width), and the center of a box of known size placed on it the way the lidar saw it.
class OutlineProjection {
 public:
  OutlineProjection(const Detection& detection, double yaw);

  Eigen::Vector2d extents() const { return {hi_[0] - lo_[0], hi_[1] - lo_[1]}; }
  // Center (same frame as the outline) of a length x width box at the heading: on each axis a box that covers the
  // seen span is centered on it; a shorter span is the side facing the sensor, and the box grows away from it.
  Eigen::Vector2d box_center(double length, double width) const;

 private:
  Eigen::Vector2d axis_[2];
  double lo_[2], hi_[2];
  double sensor_[2];
};

}  // namespace dc::core::autolabel
