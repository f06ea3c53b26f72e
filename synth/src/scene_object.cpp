#include "scene_object.h"

#include "palette.h"

#include <cmath>
#include <numbers>

namespace dc::core::generator {

const char* kitti_object_type(ObjectClass cls) {
  switch (cls) {
    case ObjectClass::Car:
      return "Car";
    case ObjectClass::Pedestrian:
      return "Pedestrian";
    case ObjectClass::Cyclist:
      return "Cyclist";
  }
  return "DontCare";
}

SceneObject::Pose SceneObject::pose_at(const RoadPath& road, double t) const {
  const double s = s0 + speed * t;
  Pose p;
  p.xy = road.at(s, lateral);
  p.yaw = road.heading(s) + (reversed ? std::numbers::pi : 0.0);
  return p;
}

void SceneObject::append_geometry(const Pose& pose, int index, std::vector<Primitive>& out) const {
  const double c = std::cos(pose.yaw), s = std::sin(pose.yaw);
  auto add_box = [&](double forward, double l, double w, double z0, double z1, const Eigen::Vector3f& color,
                     float reflectance) {
    Primitive p = Primitive::box({pose.xy.x() + c * forward, pose.xy.y() + s * forward, (z0 + z1) / 2}, pose.yaw,
                                 {l, w, z1 - z0});
    p.color = color;
    p.reflectance = reflectance;
    p.object = index;
    out.push_back(p);
  };
  switch (cls) {
    case ObjectClass::Car: {
      const double body_top = 0.58 * height;
      add_box(0.0, length - 0.1, width - 0.1, 0.0, body_top, palette::kCar, 0.32f);
      // Cabin: shorter, set back, darker (same hue, so the class colour still reads).
      add_box(-0.06 * length, 0.55 * (length - 0.1), width - 0.2, body_top, height - 0.05, palette::kCar * 0.8f, 0.18f);
      break;
    }
    case ObjectClass::Pedestrian:
      add_box(0.0, length - 0.2, width - 0.1, 0.0, height - 0.03, palette::kPedestrian, 0.22f);
      break;
    case ObjectClass::Cyclist:
      add_box(0.0, length - 0.1, width - 0.1, 0.0, height - 0.05, palette::kCyclist, 0.3f);
      break;
  }
}

}  // namespace dc::core::generator
