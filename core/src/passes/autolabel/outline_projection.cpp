#include "passes/autolabel/outline_projection.h"

#include <cmath>
#include <limits>

namespace dc::core::autolabel {

namespace {
// Labels enclose an object's surface with a little room, and the outermost returns lie up to half a point spacing
// inside its edges.
constexpr double kLabelMargin_m = 0.05;
}  // namespace

OutlineProjection::OutlineProjection(const Detection& d, double yaw) {
  axis_[0] = {std::cos(yaw), std::sin(yaw)};
  axis_[1] = {-std::sin(yaw), std::cos(yaw)};
  for (int a = 0; a < 2; ++a) {
    lo_[a] = std::numeric_limits<double>::max();
    hi_[a] = std::numeric_limits<double>::lowest();
    for (const auto& p : d.outline) {
      lo_[a] = std::min(lo_[a], p.dot(axis_[a]));
      hi_[a] = std::max(hi_[a], p.dot(axis_[a]));
    }
    if (d.outline.empty()) lo_[a] = hi_[a] = d.center.head<2>().dot(axis_[a]);
    lo_[a] -= kLabelMargin_m;
    hi_[a] += kLabelMargin_m;
    sensor_[a] = d.sensor.dot(axis_[a]);
  }
}

Eigen::Vector2d OutlineProjection::box_center(double length, double width) const {
  const double size[2] = {length, width};
  double mid[2];
  for (int a = 0; a < 2; ++a) {
    const double seen = hi_[a] - lo_[a];
    if (seen >= size[a])
      mid[a] = 0.5 * (lo_[a] + hi_[a]);
    else if (sensor_[a] <= lo_[a])
      mid[a] = lo_[a] + 0.5 * size[a];
    else if (sensor_[a] >= hi_[a])
      mid[a] = hi_[a] - 0.5 * size[a];
    else  // the sensor is beside the span: either end may be hidden
      mid[a] = 0.5 * (lo_[a] + hi_[a]);
  }
  return mid[0] * axis_[0] + mid[1] * axis_[1];
}

}  // namespace dc::core::autolabel
