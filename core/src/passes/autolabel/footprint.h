#pragma once
#include <Eigen/Core>

namespace dc::core::autolabel {

// An oriented rectangle in the ground plane: axis 1 points along `angle`, axis 2 90 degrees to its left; the
// rectangle spans [lo1, hi1] x [lo2, hi2] in those axes' coordinates (lidar frame origin).
struct Footprint {
  double angle = 0;
  double lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0;

  Eigen::Vector2d axis1() const;
  Eigen::Vector2d axis2() const;
  Eigen::Vector2d center() const;
  double extent1() const { return hi1 - lo1; }
  double extent2() const { return hi2 - lo2; }
  // Grows axis 1 (or 2) to `size` on the side away from the sensor at the origin: the side the lidar sees is the
  // one nearest to it, the hidden one must be farther. A sensor within the span grows both sides evenly.
  void grow_away_from_sensor(int axis, double size);
};

}  // namespace dc::core::autolabel
