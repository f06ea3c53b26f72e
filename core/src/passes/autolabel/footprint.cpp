#include "passes/autolabel/footprint.h"

#include <cmath>

namespace dc::core::autolabel {

Eigen::Vector2d Footprint::axis1() const { return {std::cos(angle), std::sin(angle)}; }
Eigen::Vector2d Footprint::axis2() const { return {-std::sin(angle), std::cos(angle)}; }

Eigen::Vector2d Footprint::center() const {
  return axis1() * (0.5 * (lo1 + hi1)) + axis2() * (0.5 * (lo2 + hi2));
}

void Footprint::grow_away_from_sensor(int axis, double size) {
  double& lo = axis == 1 ? lo1 : lo2;
  double& hi = axis == 1 ? hi1 : hi2;
  const double missing = size - (hi - lo);
  if (missing <= 0) return;
  // The sensor's coordinate on this axis is 0.
  if (lo >= 0)
    hi += missing;
  else if (hi <= 0)
    lo -= missing;
  else {
    lo -= missing / 2;
    hi += missing / 2;
  }
}

}  // namespace dc::core::autolabel
