#pragma once
#include "dc/core/passes/pass_parameters.h"

#include <vector>

namespace dc::core::autolabel {

// The autolabel pass's parameters, read once per run.
struct AutolabelSettings {
  // Ground
  double ground_cell_m = 15;        // a plane per cell of this size (follows slopes and road camber)
  double ground_threshold_m = 0.2;  // a point within this height of its cell's plane is ground
  double max_ground_tilt_deg = 12;  // steeper planes are walls, not ground
  // Obstacles and clusters
  double max_range_m = 60;
  double ego_radius_m = 2.5;  // returns this far ahead/behind the lidar (and 1 m beside it) are the ego's body
  double min_height_m = 0.25;  // obstacle points start this far above the ground (curbs and noise below)
  double max_height_m = 4.0;   // ... and end here; clusters reaching it under more points are structures
  double cluster_tolerance_m = 0.6;
  int min_cluster_points = 8;
  // Classes and boxes
  double min_score = 0.3;  // detections below this class score are dropped
  // Tracking
  bool track = true;
  double gate_m = 2.5;          // largest distance between a track's prediction and its detection
  int min_hits = 3;             // detections before a track becomes a label track
  int max_misses = 3;           // missed samples before a track ends; shorter gaps are bridged
  double moving_speed_mps = 0.5;  // faster tracks take their heading from their motion
  bool right_hand_traffic = true;  // standing vehicles are parked with the traffic of their side
  double acceleration_sigma = 3.0;  // Kalman process noise (m/s^2)
  double position_sigma_m = 0.3;    // Kalman measurement noise (m)

  static std::vector<ParamSpec> schema();
  static AutolabelSettings from(const PassParameters& parameters);
};

}  // namespace dc::core::autolabel
