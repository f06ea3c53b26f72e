#pragma once
#include "dc/core/passes/pass_parameters.h"

#include <vector>

namespace dc::core::data_qc {

// The data-qc thresholds of one run, read once from the validated parameters.
struct QcSettings {
  // Timing
  double rate_jitter_max = 0.1;
  double rate_tolerance = 0.2;
  double gap_factor = 1.5;
  double max_sync_skew_ms = 30;
  double max_clock_offset_ms = 100;
  int min_frames_for_stats = 5;
  // Lidar
  double lidar_min_point_ratio = 0.5;
  int lidar_rings = 64;
  double lidar_min_elevation_deg = -24.9;
  double lidar_max_elevation_deg = 2.0;
  double ring_presence = 0.9;
  int ring_min_points = 10;
  double dead_ring_ratio = 0.02;
  double lidar_max_zero_fraction = 0.01;
  double lidar_min_max_range_m = 10;
  double lidar_max_range_m = 500;
  // Images
  double image_black_mean = 10;
  int image_saturation_level = 250;
  double image_overexposed_fraction = 0.5;
  double image_blur_ratio = 0.2;
  double image_frozen_mad = 0.5;
  // GNSS/IMU
  double max_speed_mps = 70;
  double max_acceleration_mps2 = 30;
  double max_yaw_rate_deg_s = 90;

  static std::vector<ParamSpec> schema();
  static QcSettings from(const PassParameters& parameters);
};

}  // namespace dc::core::data_qc
