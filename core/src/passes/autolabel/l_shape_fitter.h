#pragma once
#include "passes/autolabel/footprint.h"

#include <Eigen/Core>
#include <vector>

namespace dc::core::autolabel {

// Oriented rectangle fit of a cluster's ground-plane points by the L-shape search of Zhang et al. (2017): every
// heading in [0, 90) degrees is scored by how close the points lie to the two nearest rectangle edges (the faces
// a lidar sees of a vehicle), the best heading wins. Robust to partial views, unlike a minimum-area rectangle,
// which tilts a one-sided view.
class LShapeFitter {
 public:
  explicit LShapeFitter(double step_deg = 1.0) : step_deg_(step_deg) {}
  Footprint fit(const std::vector<Eigen::Vector2d>& points) const;

 private:
  double step_deg_;
};

}  // namespace dc::core::autolabel
