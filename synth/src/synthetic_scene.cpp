#include "synthetic_scene.h"

#include "palette.h"
#include "rng.h"
#include "road_layout.h"

#include <cmath>
#include <iterator>
#include <numbers>

namespace dc::core::generator {

namespace {
using namespace road_layout;

constexpr double kEgoLane = -kLaneWidth / 2;  // right-hand traffic
constexpr double kMeanSpeed = 10.0;           // m/s
constexpr double kSpeedSwing = 0.8;
constexpr double kMargin = 300.0;  // scenery before the start and after the end of the drive
constexpr double kMaxObjectSpeed = 13.0;

RoadPath::Shape road_shape(std::uint64_t seed) {
  Rng rng(seed, Purpose::Road);
  RoadPath::Shape shape;
  shape.heading0 = rng.uniform(-std::numbers::pi, std::numbers::pi);
  shape.curvature_amp = rng.uniform(1.0 / 600, 1.0 / 250) * (rng.chance(0.5) ? 1 : -1);
  shape.wavelength = rng.uniform(300, 550);
  shape.phase = rng.uniform(0, 2 * std::numbers::pi);
  return shape;
}

double drive_length(double duration_s) {
  return (kMeanSpeed + kSpeedSwing) * duration_s + 2 * kSpeedSwing;
}

SceneObject make_object(ObjectClass cls, Rng& rng) {
  SceneObject o;
  o.cls = cls;
  switch (cls) {
    case ObjectClass::Car:
      o.length = rng.uniform(3.8, 4.8);
      o.width = rng.uniform(1.65, 1.95);
      o.height = rng.uniform(1.40, 1.65);
      break;
    case ObjectClass::Pedestrian:
      o.length = rng.uniform(0.6, 1.0);
      o.width = rng.uniform(0.5, 0.7);
      o.height = rng.uniform(1.55, 1.9);
      break;
    case ObjectClass::Cyclist:
      o.length = rng.uniform(1.6, 1.9);
      o.width = rng.uniform(0.5, 0.7);
      o.height = rng.uniform(1.6, 1.8);
      break;
  }
  return o;
}
}  // namespace

SyntheticScene::SyntheticScene(std::uint64_t seed, double duration_s)
    : road_(road_shape(seed), -kMargin - kMaxObjectSpeed * duration_s - 50,
            drive_length(duration_s) + kMargin + kMaxObjectSpeed * duration_s + 50),
      ego_(&road_, kEgoLane, kMeanSpeed, kSpeedSwing, Rng(seed, Purpose::Road, 1).uniform(15, 25)),
      ground_(&road_) {
  const double s_lo = -kMargin, s_hi = drive_length(duration_s) + kMargin;
  add_buildings(seed, s_lo, s_hi);
  add_street_furniture(seed, s_lo, s_hi);
  add_parked_cars(seed, s_lo, s_hi);
  add_traffic(seed, s_lo, s_hi, duration_s);
  add_pedestrians_and_cyclists(seed, s_lo, s_hi, duration_s);
}

void SyntheticScene::add_buildings(std::uint64_t seed, double s_lo, double s_hi) {
  for (int side : {-1, 1}) {
    Rng rng(seed, Purpose::Buildings, side > 0 ? 1 : 0);
    double s = s_lo + rng.uniform(0, 10);
    while (s < s_hi) {
      const double length = rng.uniform(10, 30), depth = rng.uniform(8, 15), height = rng.uniform(6, 20);
      const double setback = kBuildingLine + rng.uniform(0, 2.5);
      const double mid = s + length / 2;
      const Eigen::Vector2d xy = road_.at(mid, side * (setback + depth / 2));
      Primitive b = Primitive::box({xy.x(), xy.y(), height / 2}, road_.heading(mid), {length, depth, height});
      const Surface& look = palette::kBuildings[rng.next() % std::size(palette::kBuildings)];
      b.color = look.color;
      b.reflectance = look.reflectance;
      static_.push_back(b);
      const double gap = rng.chance(0.3) ? rng.uniform(8, 25) : rng.uniform(1.5, 5);
      if (gap > 6 && rng.chance(0.5)) {  // garden wall across the gap
        const double wall_mid = s + length + gap / 2;
        const Eigen::Vector2d wxy = road_.at(wall_mid, side * (kBuildingLine + 0.3));
        const double wall_h = rng.uniform(1.2, 2.0);
        Primitive w = Primitive::box({wxy.x(), wxy.y(), wall_h / 2}, road_.heading(wall_mid), {gap - 1.0, 0.3, wall_h});
        w.color = palette::kWall.color;
        w.reflectance = palette::kWall.reflectance;
        static_.push_back(w);
      }
      s += length + gap;
    }
  }
}

void SyntheticScene::add_street_furniture(std::uint64_t seed, double s_lo, double s_hi) {
  for (int side : {-1, 1}) {
    Rng poles(seed, Purpose::Poles, side > 0 ? 1 : 0);
    for (double s = s_lo + poles.uniform(0, 30); s < s_hi; s += poles.uniform(25, 45)) {
      Primitive p = Primitive::cylinder(road_.at(s, side * kPole), 0.0, poles.uniform(5, 8), poles.uniform(0.08, 0.14));
      p.color = palette::kPole.color;
      p.reflectance = palette::kPole.reflectance;
      static_.push_back(p);
    }
    // Trees come in rows with open stretches between them.
    Rng trees(seed, Purpose::Trees, side > 0 ? 1 : 0);
    double s = s_lo;
    while (s < s_hi) {
      const double zone_end = s + trees.uniform(40, 120);
      const bool planted = trees.chance(0.6);
      for (s += trees.uniform(2, 8); planted && s < zone_end; s += trees.uniform(8, 16)) {
        const Eigen::Vector2d xy = road_.at(s, side * kTree);
        const double trunk_h = trees.uniform(2.6, 3.4), crown_r = trees.uniform(1.2, 2.0);
        Primitive trunk = Primitive::cylinder(xy, 0.0, trunk_h, trees.uniform(0.15, 0.25));
        trunk.color = palette::kTrunk.color;
        trunk.reflectance = palette::kTrunk.reflectance;
        static_.push_back(trunk);
        Primitive crown = Primitive::sphere({xy.x(), xy.y(), trunk_h + 0.9 * crown_r}, crown_r);
        crown.color = palette::kCrown.color;
        crown.reflectance = palette::kCrown.reflectance;
        static_.push_back(crown);
      }
      s = zone_end;
    }
  }
}

void SyntheticScene::add_parked_cars(std::uint64_t seed, double s_lo, double s_hi) {
  for (int side : {-1, 1}) {
    Rng rng(seed, Purpose::ParkedCars, side > 0 ? 1 : 0);
    double s = s_lo;
    while (s < s_hi) {
      if (!rng.chance(0.4)) {
        s += rng.uniform(20, 70);
        continue;
      }
      const double zone_end = s + rng.uniform(30, 90);
      while (s < zone_end) {
        if (rng.chance(0.3)) {  // a free slot
          s += rng.uniform(4, 8);
          continue;
        }
        SceneObject car = make_object(ObjectClass::Car, rng);
        car.s0 = s + car.length / 2;
        car.lateral = side * kParkedCar;
        car.reversed = side > 0;  // parked with the traffic of their side
        objects_.push_back(car);
        s += car.length + rng.uniform(1.5, 6.0);
      }
    }
  }
}

void SyntheticScene::add_traffic(std::uint64_t seed, double s_lo, double s_hi, double duration_s) {
  Rng rng(seed, Purpose::Traffic);
  // Ego lane: cars ahead drive faster than the ego ever does and cars behind slower, so nobody collides.
  const double ahead_speed = ego_.max_speed() + 0.7, behind_speed = ego_.min_speed() - 0.7;
  double s = rng.uniform(16, 26);
  const int ahead = rng.chance(0.7) ? 2 : 1;
  for (int i = 0; i < ahead; ++i) {
    SceneObject car = make_object(ObjectClass::Car, rng);
    car.s0 = s + car.length / 2;
    car.lateral = kEgoLane;
    car.speed = ahead_speed;
    objects_.push_back(car);
    s = car.s0 + car.length / 2 + rng.uniform(22, 40);
  }
  if (rng.chance(0.8)) {
    SceneObject car = make_object(ObjectClass::Car, rng);
    car.s0 = -rng.uniform(14, 24) - car.length / 2;
    car.lateral = kEgoLane;
    car.speed = behind_speed;
    objects_.push_back(car);
  }
  // Oncoming lane: one lane speed, so the spacing holds.
  const double oncoming_speed = rng.uniform(9, 12);
  for (double so = s_lo + rng.uniform(0, 40); so < s_hi + oncoming_speed * duration_s; so += rng.uniform(25, 70)) {
    SceneObject car = make_object(ObjectClass::Car, rng);
    car.s0 = so;
    car.lateral = -kEgoLane;
    car.speed = -oncoming_speed;
    car.reversed = true;
    objects_.push_back(car);
  }
}

void SyntheticScene::add_pedestrians_and_cyclists(std::uint64_t seed, double s_lo, double s_hi, double duration_s) {
  for (int side : {-1, 1}) {
    const int along = side < 0 ? 1 : -1;  // direction of the traffic on this side
    Rng rng(seed, Purpose::Pedestrians, side > 0 ? 1 : 0);
    // Two walking lanes per sidewalk; everyone in a lane keeps the lane's pace, so nobody walks through anyone.
    for (int lane = 0; lane < 2; ++lane) {
      const double dir = lane == 0 ? along : -along;
      const double pace = rng.uniform(1.1, 1.5);
      const double d = side * (lane == 0 ? kWalkNear : kWalkFar);
      for (double s = s_lo + rng.uniform(0, 20); s < s_hi; s += rng.uniform(12, 45)) {
        SceneObject p = make_object(ObjectClass::Pedestrian, rng);
        p.s0 = s;
        p.lateral = d + rng.uniform(-0.1, 0.1);
        p.speed = dir * pace;
        p.reversed = dir < 0;
        objects_.push_back(p);
      }
    }
    for (double s = s_lo + rng.uniform(0, 40); s < s_hi; s += rng.uniform(30, 90)) {
      SceneObject p = make_object(ObjectClass::Pedestrian, rng);
      p.s0 = s;
      p.lateral = side * kStanding;
      p.reversed = rng.chance(0.5);
      objects_.push_back(p);
    }
    Rng bikes(seed, Purpose::Cyclists, side > 0 ? 1 : 0);
    const double pace = bikes.uniform(4, 6);
    const double s_end = along > 0 ? s_hi : s_hi + pace * duration_s;
    for (double s = s_lo + bikes.uniform(0, 60); s < s_end; s += bikes.uniform(50, 150)) {
      SceneObject c = make_object(ObjectClass::Cyclist, bikes);
      c.s0 = s;
      c.lateral = side * kCyclist;
      c.speed = along * pace;
      c.reversed = along < 0;
      objects_.push_back(c);
    }
  }
}

void SyntheticScene::gather(double t, const Eigen::Vector2d& xy, double radius, std::vector<Primitive>& out) const {
  for (const Primitive& p : static_) {
    if ((p.center.head<2>() - xy).norm() - p.bound_radius < radius) out.push_back(p);
  }
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    const SceneObject& o = objects_[i];
    const SceneObject::Pose pose = o.pose_at(road_, t);
    if ((pose.xy - xy).norm() - o.length < radius) o.append_geometry(pose, static_cast<int>(i), out);
  }
}

}  // namespace dc::core::generator
