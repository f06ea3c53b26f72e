#pragma once
#include <Eigen/Core>

namespace dc::core::autolabel {

// Kalman filter of a point moving at constant velocity in the ground plane: state (x, y, vx, vy), measurements
// (x, y). Process noise is white acceleration with the given sigma (the discrete white-noise model).
class ConstantVelocityFilter {
 public:
  ConstantVelocityFilter(const Eigen::Vector2d& position, double acceleration_sigma, double position_sigma);

  void predict(double dt);
  void update(const Eigen::Vector2d& measured);
  Eigen::Vector2d position() const { return x_.head<2>(); }
  Eigen::Vector2d velocity() const { return x_.tail<2>(); }
  // The prediction's position uncertainty (1 sigma, m), for gating.
  double position_sigma() const;

 private:
  Eigen::Vector4d x_;
  Eigen::Matrix4d P_;
  double q_, r_;
};

}  // namespace dc::core::autolabel
