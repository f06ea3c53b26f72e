#pragma once
#include "passes/autolabel/footprint.h"

#include <string>
#include <vector>

namespace dc::core::autolabel {

// What a cluster looks like: its fitted footprint (visible extents are lower bounds of the object's), its height
// above the ground, its point count and distance.
struct ClusterShape {
  Footprint footprint;
  double height = 0;
  int points = 0;
  double range_m = 0;
};

struct Classification {
  std::string category;  // empty: not an object (a wall, a pole, a bush)
  double score = 0;      // 0..1
  Footprint footprint;   // grown to the class's size where the lidar saw only part of the object
  int length_axis = 1;   // footprint axis (1 or 2) along the object's length
};

// Class from size, shape and point statistics. Each class has ranges of height, length and width (KITTI's
// statistics); a cluster scores by how far it lies outside them, the visible extents counting as lower bounds
// (a car seen from behind is 1.7 m "long"). The best class wins; its footprint then grows to the class's typical
// size on the hidden side. Misc (an object of no known class) scores below the default minimum score.
class ObjectClassifier {
 public:
  Classification classify(const ClusterShape& shape) const;
  // A class's typical length and width (m); zeros for an unknown class.
  static Eigen::Vector2d typical_size(const std::string& category);
  // The largest length and width (m) the class allows; zeros for an unknown class.
  static Eigen::Vector2d max_size(const std::string& category);
};

}  // namespace dc::core::autolabel
