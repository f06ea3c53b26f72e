#include "ego_trajectory.h"

#include <cmath>
#include <numbers>

namespace dc::core::generator {

EgoTrajectory::EgoTrajectory(const RoadPath* road, double lateral, double mean_speed, double speed_amp,
                             double speed_period)
    : road_(road), lateral_(lateral), mean_speed_(mean_speed), speed_amp_(speed_amp), speed_period_(speed_period) {}

double EgoTrajectory::s_at(double t) const {
  const double w = 2.0 * std::numbers::pi / speed_period_;
  return mean_speed_ * t + (speed_amp_ / w) * (1.0 - std::cos(w * t));
}

EgoTrajectory::State EgoTrajectory::state_at(double t) const {
  const double w = 2.0 * std::numbers::pi / speed_period_;
  State st;
  st.s = s_at(t);
  const double s_dot = mean_speed_ + speed_amp_ * std::sin(w * t);
  const double s_ddot = speed_amp_ * w * std::cos(w * t);
  const double kappa = road_->curvature(st.s);
  st.xy = road_->at(st.s, lateral_);
  st.heading = road_->heading(st.s);
  // A lane offset from the centerline runs on a parallel curve: its speed scales by (1 - kappa d).
  const double scale = 1.0 - kappa * lateral_;
  st.speed = s_dot * scale;
  st.yaw_rate = s_dot * kappa;
  st.accel_forward = s_ddot * scale;
  st.accel_left = st.speed * st.yaw_rate;
  return st;
}

}  // namespace dc::core::generator
