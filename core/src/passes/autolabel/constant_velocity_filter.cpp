#include "passes/autolabel/constant_velocity_filter.h"

#include <Eigen/Dense>
#include <cmath>

namespace dc::core::autolabel {

namespace {
constexpr double kInitialSpeedSigma = 10.0;  // m/s: a new track may move at any road speed
}

ConstantVelocityFilter::ConstantVelocityFilter(const Eigen::Vector2d& position, double acceleration_sigma,
                                               double position_sigma)
    : q_(acceleration_sigma * acceleration_sigma), r_(position_sigma * position_sigma) {
  x_ << position, 0, 0;
  P_.setZero();
  P_.diagonal() << r_, r_, kInitialSpeedSigma * kInitialSpeedSigma, kInitialSpeedSigma * kInitialSpeedSigma;
}

void ConstantVelocityFilter::predict(double dt) {
  Eigen::Matrix4d F = Eigen::Matrix4d::Identity();
  F(0, 2) = F(1, 3) = dt;
  const double dt2 = dt * dt, dt3 = dt2 * dt / 2, dt4 = dt2 * dt2 / 4;
  Eigen::Matrix4d Q = Eigen::Matrix4d::Zero();
  Q(0, 0) = Q(1, 1) = dt4 * q_;
  Q(0, 2) = Q(2, 0) = Q(1, 3) = Q(3, 1) = dt3 * q_;
  Q(2, 2) = Q(3, 3) = dt2 * q_;
  x_ = F * x_;
  P_ = F * P_ * F.transpose() + Q;
}

void ConstantVelocityFilter::update(const Eigen::Vector2d& measured) {
  Eigen::Matrix<double, 2, 4> H = Eigen::Matrix<double, 2, 4>::Zero();
  H(0, 0) = H(1, 1) = 1;
  const Eigen::Matrix2d S = H * P_ * H.transpose() + Eigen::Matrix2d::Identity() * r_;
  const Eigen::Matrix<double, 4, 2> K = P_ * H.transpose() * S.inverse();
  x_ += K * (measured - H * x_);
  P_ = (Eigen::Matrix4d::Identity() - K * H) * P_;
}

double ConstantVelocityFilter::position_sigma() const { return std::sqrt(0.5 * (P_(0, 0) + P_(1, 1))); }

}  // namespace dc::core::autolabel
