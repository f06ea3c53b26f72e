#pragma once
#include "ground_surface.h"
#include "primitive.h"
#include "rng.h"

#include <Eigen/Core>
#include <vector>

namespace dc::core::generator {

// A spinning 64-beam lidar modelled on the HDL-64E: beams from +2 deg down to -24.9 deg, `columns` azimuth steps
// per turn, ray-cast against the ground and the scene's pieces. Range noise, incidence-dependent reflectance,
// lost returns beyond the maximum range and a small random dropout. Points are in the lidar frame.
class LidarRayCaster {
 public:
  LidarRayCaster(int beams, int columns);

  // x y z reflectance as float32, beam by beam (top beam first), each beam one turn starting behind the sensor.
  // Beams flagged in `dead_beams` (fault injection) return nothing; the other beams get the same points as without.
  std::vector<float> sweep(const std::vector<Primitive>& pieces, const GroundSurface& ground, double s_guess,
                           const Eigen::Matrix4d& T_world_from_velo, Rng& rng,
                           const std::vector<bool>& dead_beams = {}) const;

  // Elevation of each beam in degrees, beam 0 (the top one) first.
  static std::vector<double> elevations_deg(int beams);

  static constexpr double kMaxRange = 120.0;

 private:
  int beams_, columns_;
  std::vector<double> cos_el_, sin_el_;
  std::vector<double> cos_az_, sin_az_;
  std::vector<int> column_sector_;
};

}  // namespace dc::core::generator
