#pragma once
#include <Eigen/Core>
#include <vector>

namespace dc::core::generator {

// The road's centerline in the world plane (x east, y north), parameterised by arc length s. Its curvature is a
// slow sine, so the road curves gently left and right. Lateral offsets d are measured to the left of the heading.
class RoadPath {
 public:
  struct Shape {
    double heading0 = 0;       // heading at s = 0 (radians, 0 = east, counter-clockwise)
    double curvature_amp = 0;  // 1/m
    double wavelength = 400;   // m
    double phase = 0;          // radians
  };
  // The table covers [s_min, s_max]; outside it the road continues straight.
  RoadPath(const Shape& shape, double s_min, double s_max);

  double heading(double s) const;
  double curvature(double s) const;
  Eigen::Vector2d point(double s) const;  // centerline point; point(0) is the world origin
  Eigen::Vector2d tangent(double s) const;
  Eigen::Vector2d normal(double s) const;  // left
  Eigen::Vector2d at(double s, double d) const { return point(s) + d * normal(s); }

  // (s, d) of the centerline point nearest to q, by Newton steps from s_guess (a neighbour's answer is a good
  // guess). Accurate near the road; far from it only d's magnitude is meaningful.
  Eigen::Vector2d to_road(const Eigen::Vector2d& q, double s_guess) const;

 private:
  Shape shape_;
  struct Sample {
    Eigen::Vector2d p = Eigen::Vector2d::Zero();   // centerline point
    Eigen::Vector2d t = Eigen::Vector2d::UnitX();  // unit tangent
    double kappa = 0;
  };
  double s_min_, s_max_, step_;
  std::vector<Sample> table_;  // every step_ from s_min_; lookups need no trigonometry (called per pixel)

  double locate(double s, std::size_t& i) const;  // fraction within sample interval i
};

}  // namespace dc::core::generator
