#pragma once
#include "primitive.h"
#include "road_path.h"

#include <Eigen/Core>
#include <vector>

namespace dc::core::generator {

enum class ObjectClass : std::uint8_t { Car, Pedestrian, Cyclist };
const char* kitti_object_type(ObjectClass cls);  // "Car", "Pedestrian", "Cyclist"

// A labelled object: it moves along the road at a constant lateral offset and speed (parked ones have speed 0).
// Its label box is length x width x height standing on the ground; the geometry it shows the sensors lies a few
// centimetres inside that box, as annotators draw boxes a little loose.
class SceneObject {
 public:
  struct Pose {
    Eigen::Vector2d xy{0, 0};  // bottom center in the world plane
    double yaw = 0;            // heading, radians
  };

  ObjectClass cls = ObjectClass::Car;
  double length = 4.2, width = 1.8, height = 1.5;
  double s0 = 0;          // arc length at t = 0
  double lateral = 0;     // d, left of the centerline
  double speed = 0;       // along +s (negative: against)
  bool reversed = false;  // faces -s

  Pose pose_at(const RoadPath& road, double t) const;
  void append_geometry(const Pose& pose, int index, std::vector<Primitive>& out) const;
};

}  // namespace dc::core::generator
