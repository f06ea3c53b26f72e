#pragma once
#include "ego_trajectory.h"

#include <Eigen/Core>
#include <string>

namespace dc::core::generator {

// OXTS RT3003 records (KITTI's 30 values per line) for ego states. Positions go through the inverse of the
// Mercator projection KITTI's devkit uses (scale from the first fix's latitude), so convertOxtsToPose recovers
// the world path relative to the first record.
class OxtsWriter {
 public:
  // `first_fix` is the world position of the first record; it maps to (latitude0, longitude0).
  OxtsWriter(double latitude0, double longitude0, double ground_altitude, double imu_height,
             const Eigen::Vector2d& first_fix);

  std::string record(const EgoTrajectory::State& state) const;  // one line, no newline
  static const char* dataformat();                              // KITTI's oxts/dataformat.txt

 private:
  double lat0_, lon0_, alt_, scale_, mx0_, my0_;
  Eigen::Vector2d first_fix_;
};

}  // namespace dc::core::generator
