#pragma once
#include "road_path.h"

#include <Eigen/Core>

namespace dc::core::generator {

// The ego vehicle (its OXTS/IMU unit) driving along a lane of the road at a gently varying speed.
class EgoTrajectory {
 public:
  struct State {
    double s = 0;              // arc length along the centerline
    Eigen::Vector2d xy{0, 0};  // IMU position in the world plane
    double heading = 0;        // yaw, radians (0 = east, counter-clockwise)
    double speed = 0;          // ground speed, m/s
    double yaw_rate = 0;       // rad/s
    double accel_forward = 0;  // m/s^2
    double accel_left = 0;     // centripetal, m/s^2
  };

  EgoTrajectory(const RoadPath* road, double lateral, double mean_speed, double speed_amp, double speed_period);

  double s_at(double t) const;
  State state_at(double t) const;  // t in seconds since the first lidar sweep
  double lateral() const { return lateral_; }
  double max_speed() const { return mean_speed_ + speed_amp_; }
  double min_speed() const { return mean_speed_ - speed_amp_; }

 private:
  const RoadPath* road_;
  double lateral_, mean_speed_, speed_amp_, speed_period_;
};

}  // namespace dc::core::generator
