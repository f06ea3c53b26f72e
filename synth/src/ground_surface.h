#pragma once
#include "palette.h"
#include "road_path.h"

#include <Eigen/Core>

namespace dc::core::generator {

// The painted, paved and planted ground plane: lanes, markings, parking strips, curbs, sidewalks, grass.
// Small brightness texture is fixed to the world, so it moves consistently with the view.
class GroundSurface {
 public:
  explicit GroundSurface(const RoadPath* road) : road_(road) {}

  // Surface at the ground point xy; s_guess is updated to the point's arc length (pass it on to neighbours).
  Surface at(const Eigen::Vector2d& xy, double& s_guess) const;

 private:
  const RoadPath* road_;
};

}  // namespace dc::core::generator
