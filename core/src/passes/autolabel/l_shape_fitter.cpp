#include "passes/autolabel/l_shape_fitter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace dc::core::autolabel {

namespace {

constexpr double kMinDistance_m = 0.01;  // closeness is 1 / max(d, this): one point on an edge does not dominate

struct Projection {
  double lo1, hi1, lo2, hi2;
};

Projection project(const std::vector<Eigen::Vector2d>& points, const Eigen::Vector2d& e1, const Eigen::Vector2d& e2,
                   std::vector<double>& c1, std::vector<double>& c2) {
  Projection p{std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
               std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest()};
  for (std::size_t i = 0; i < points.size(); ++i) {
    c1[i] = points[i].dot(e1);
    c2[i] = points[i].dot(e2);
    p.lo1 = std::min(p.lo1, c1[i]);
    p.hi1 = std::max(p.hi1, c1[i]);
    p.lo2 = std::min(p.lo2, c2[i]);
    p.hi2 = std::max(p.hi2, c2[i]);
  }
  return p;
}

}  // namespace

Footprint LShapeFitter::fit(const std::vector<Eigen::Vector2d>& points) const {
  Footprint best;
  if (points.empty()) return best;
  std::vector<double> c1(points.size()), c2(points.size());
  double best_score = -1;
  const int steps = std::max(1, static_cast<int>(std::lround(90.0 / step_deg_)));
  for (int k = 0; k < steps; ++k) {
    const double angle = (k * 90.0 / steps) * std::numbers::pi / 180.0;
    const Eigen::Vector2d e1(std::cos(angle), std::sin(angle)), e2(-std::sin(angle), std::cos(angle));
    const Projection p = project(points, e1, e2, c1, c2);
    // Closeness criterion: each point counts by its distance to the nearer of the two edges it is nearest to.
    double score = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
      const double d1 = std::min(c1[i] - p.lo1, p.hi1 - c1[i]);
      const double d2 = std::min(c2[i] - p.lo2, p.hi2 - c2[i]);
      score += 1.0 / std::max(std::min(d1, d2), kMinDistance_m);
    }
    if (score > best_score) {
      best_score = score;
      best = {angle, p.lo1, p.hi1, p.lo2, p.hi2};
    }
  }
  return best;
}

}  // namespace dc::core::autolabel
