#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/point_cloud.h"

namespace dc::core {

// Height and z of a box drawn as a footprint (centre x/y, length, width, yaw) in bird's-eye view, from the lidar
// points. The ground is the 5th percentile height of the points within kGroundMargin around the footprint (the
// low tail of the road the object stands on); the box reaches from it to the highest point inside the footprint
// that is more than kMinAboveGround above it.
struct FootprintFit {
  static constexpr double kGroundMargin = 1.0;    // m around the footprint that count for the ground
  static constexpr double kMinAboveGround = 0.2;  // m; lower points are ground, not object
  double ground_z = 0;
  double top_z = 0;
  int object_points = 0;  // points inside the footprint above the ground
  bool ground_from_points = false;
};

// Fills box.center.z() and box.height. Without ground points the ground is `fallback_ground_z`; without object
// points the box gets `fallback_height`.
FootprintFit fit_box_to_points(BoxLabel& box, const PointCloud& cloud, double fallback_ground_z,
                               double fallback_height);

}  // namespace dc::core
