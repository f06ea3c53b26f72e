#pragma once
#include "ego_trajectory.h"
#include "ground_surface.h"
#include "primitive.h"
#include "road_path.h"
#include "scene_object.h"

#include <cstdint>
#include <vector>

namespace dc::core::generator {

// A street scene fixed by a seed: the road, the ego's drive along it, buildings, walls, poles and trees, and the
// labelled traffic (parked and moving cars, pedestrians, cyclists) laid out along the stretch the ego covers.
// Immutable once built, so frames can be rendered from it on any number of threads.
class SyntheticScene {
 public:
  SyntheticScene(std::uint64_t seed, double duration_s);
  SyntheticScene(const SyntheticScene&) = delete;
  SyntheticScene& operator=(const SyntheticScene&) = delete;

  const RoadPath& road() const { return road_; }
  const EgoTrajectory& ego() const { return ego_; }
  const GroundSurface& ground() const { return ground_; }
  const std::vector<SceneObject>& objects() const { return objects_; }

  // Appends the geometry at time t (static pieces and every object at its pose then) whose bounding sphere
  // comes within `radius` of xy.
  void gather(double t, const Eigen::Vector2d& xy, double radius, std::vector<Primitive>& out) const;

 private:
  void add_buildings(std::uint64_t seed, double s_lo, double s_hi);
  void add_street_furniture(std::uint64_t seed, double s_lo, double s_hi);
  void add_parked_cars(std::uint64_t seed, double s_lo, double s_hi);
  void add_traffic(std::uint64_t seed, double s_lo, double s_hi, double duration_s);
  void add_pedestrians_and_cyclists(std::uint64_t seed, double s_lo, double s_hi, double duration_s);

  RoadPath road_;
  EgoTrajectory ego_;
  GroundSurface ground_;
  std::vector<Primitive> static_;
  std::vector<SceneObject> objects_;
};

}  // namespace dc::core::generator
