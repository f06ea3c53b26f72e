#include "passes/autolabel/autolabel_settings.h"

#include <stdexcept>

namespace dc::core::autolabel {

std::vector<ParamSpec> AutolabelSettings::schema() {
  using T = ParamSpec::Type;
  return {
      {"ground_cell_m", T::Number, "15", 2, 200, "size (m) of the cells that each get their own ground plane"},
      {"ground_threshold_m", T::Number, "0.2", 0.01, 2, "points this close (m) to their cell's ground plane are ground"},
      {"max_ground_tilt_deg", T::Number, "12", 0, 45, "a cell plane steeper than this (deg) is not ground"},
      {"max_range_m", T::Number, "60", 5, 300, "objects farther than this (m) from the lidar are not labeled"},
      {"ego_radius_m", T::Number, "2.5", 0, 20, "returns within this (m) ahead of or behind the lidar and 1 m beside it are the ego vehicle"},
      {"min_height_m", T::Number, "0.25", 0, 3, "obstacle points start this far (m) above the ground"},
      {"max_height_m", T::Number, "4", 0.5, 10,
       "obstacle points end this far (m) above the ground; a cluster that reaches it under more points is a building or tree"},
      {"cluster_tolerance_m", T::Number, "0.6", 0.05, 5, "points closer than this (m) belong to one object"},
      {"min_cluster_points", T::Integer, "8", 1, 100000, "smaller clusters are not objects"},
      {"min_score", T::Number, "0.3", 0, 1, "detections whose class score is lower are dropped"},
      {"track", T::Flag, "true", {}, {}, "track objects over the drive (needs timestamps and poses)"},
      {"gate_m", T::Number, "2.5", 0.1, 50, "a detection farther (m) than this from a track's prediction is another object"},
      {"min_hits", T::Integer, "3", 1, 100, "detections a track needs before its boxes become labels"},
      {"max_misses", T::Integer, "3", 0, 100, "samples a track may miss (bridged) before it ends"},
      {"moving_speed_mps", T::Number, "0.5", 0, 100, "tracks faster than this (m/s) take their heading from their motion"},
      {"right_hand_traffic", T::Flag, "true", {}, {},
       "standing vehicles face the traffic of their side of the road (false: left-hand traffic)"},
      {"acceleration_sigma", T::Number, "3", 0.01, 100, "Kalman process noise: acceleration (m/s^2)"},
      {"position_sigma_m", T::Number, "0.3", 0.01, 10, "Kalman measurement noise: box center (m)"},
  };
}

AutolabelSettings AutolabelSettings::from(const PassParameters& p) {
  AutolabelSettings s;
  s.ground_cell_m = p.number("ground_cell_m");
  s.ground_threshold_m = p.number("ground_threshold_m");
  s.max_ground_tilt_deg = p.number("max_ground_tilt_deg");
  s.max_range_m = p.number("max_range_m");
  s.ego_radius_m = p.number("ego_radius_m");
  s.min_height_m = p.number("min_height_m");
  s.max_height_m = p.number("max_height_m");
  if (s.max_height_m <= s.min_height_m)
    throw std::invalid_argument("parameter max_height_m: must be greater than min_height_m");
  s.cluster_tolerance_m = p.number("cluster_tolerance_m");
  s.min_cluster_points = static_cast<int>(p.integer("min_cluster_points"));
  s.min_score = p.number("min_score");
  s.track = p.flag("track");
  s.gate_m = p.number("gate_m");
  s.min_hits = static_cast<int>(p.integer("min_hits"));
  s.max_misses = static_cast<int>(p.integer("max_misses"));
  s.moving_speed_mps = p.number("moving_speed_mps");
  s.right_hand_traffic = p.flag("right_hand_traffic");
  s.acceleration_sigma = p.number("acceleration_sigma");
  s.position_sigma_m = p.number("position_sigma_m");
  return s;
}

}  // namespace dc::core::autolabel
