#include "passes/data_qc/qc_settings.h"

namespace dc::core::data_qc {

namespace {
ParamSpec number(const char* name, double value, double min, double max, const char* doc) {
  // Defaults are written with enough digits to read back exactly.
  std::string text = std::to_string(value);
  while (text.size() > 1 && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return {name, ParamSpec::Type::Number, text, min, max, doc};
}
ParamSpec integer(const char* name, int value, double min, double max, const char* doc) {
  return {name, ParamSpec::Type::Integer, std::to_string(value), min, max, doc};
}
}  // namespace

std::vector<ParamSpec> QcSettings::schema() {
  const QcSettings d;
  return {
      number("rate_jitter_max", d.rate_jitter_max, 0, 10,
             "frame-rate-unstable when the relative std of a sensor's frame intervals exceeds this"),
      number("rate_tolerance", d.rate_tolerance, 0, 10,
             "frame-rate-mismatch when the measured rate differs from the nominal one by more than this fraction"),
      number("gap_factor", d.gap_factor, 1.01, 1000,
             "frame-gap when an interval is longer than this times the sensor's median period"),
      number("max_sync_skew_ms", d.max_sync_skew_ms, 0, 1e6,
             "sync-skew when a camera frame is further than this from its lidar sweep (ms)"),
      number("max_clock_offset_ms", d.max_clock_offset_ms, 0, 1e9,
             "clock-offset when a frame's recorder log time and its header stamp differ by more than this (ms); "
             "only for recordings with both clocks (MCAP)"),
      integer("min_frames_for_stats", d.min_frames_for_stats, 2, 1e9,
              "drive-relative checks (point drop, dead rings, blur) need at least this many frames of a sensor"),
      number("lidar_min_point_ratio", d.lidar_min_point_ratio, 0, 1,
             "lidar-point-drop when a sweep has fewer points than this times the drive's median"),
      integer("lidar_rings", d.lidar_rings, 1, 1024, "lasers of the lidar, binned by elevation (HDL-64E: 64)"),
      number("lidar_min_elevation_deg", d.lidar_min_elevation_deg, -90, 90, "elevation of the lowest laser (deg)"),
      number("lidar_max_elevation_deg", d.lidar_max_elevation_deg, -90, 90, "elevation of the highest laser (deg)"),
      number("ring_presence", d.ring_presence, 0, 1,
             "a ring is expected when it has points in at least this fraction of the sweeps"),
      integer("ring_min_points", d.ring_min_points, 1, 1e9,
              "a ring is expected only when its median point count is at least this"),
      number("dead_ring_ratio", d.dead_ring_ratio, 0, 1,
             "lidar-dead-ring when an expected ring has at most this times its median point count"),
      number("lidar_max_zero_fraction", d.lidar_max_zero_fraction, 0, 1,
             "lidar-invalid-points when more than this fraction of a sweep's points are exactly (0,0,0)"),
      number("lidar_min_max_range_m", d.lidar_min_max_range_m, 0, 1e6,
             "lidar-range-anomaly when a sweep's farthest point is nearer than this (m)"),
      number("lidar_max_range_m", d.lidar_max_range_m, 0, 1e9,
             "lidar-range-anomaly when a sweep has points farther than this (m)"),
      number("image_black_mean", d.image_black_mean, 0, 255, "image-black when the mean gray level is below this"),
      integer("image_saturation_level", d.image_saturation_level, 1, 255,
              "gray level from which a pixel counts as saturated"),
      number("image_overexposed_fraction", d.image_overexposed_fraction, 0, 1,
             "image-overexposed when more than this fraction of the pixels are saturated"),
      number("image_blur_ratio", d.image_blur_ratio, 0, 1,
             "image-blurred when the Laplacian variance is below this times the camera's median"),
      number("image_frozen_mad", d.image_frozen_mad, 0, 255,
             "image-frozen when the mean absolute gray difference to the previous frame is below this"),
      number("max_speed_mps", d.max_speed_mps, 0, 1e6,
             "gnss-position-jump when consecutive poses imply a speed above this (m/s)"),
      number("max_acceleration_mps2", d.max_acceleration_mps2, 0, 1e6,
             "gnss-position-jump when the velocity between consecutive pose pairs changes faster than this (m/s^2): "
             "a step in position at driving speed"),
      number("max_yaw_rate_deg_s", d.max_yaw_rate_deg_s, 0, 1e6,
             "gnss-heading-jump when consecutive poses imply a heading rate above this (deg/s)"),
  };
}

QcSettings QcSettings::from(const PassParameters& p) {
  QcSettings s;
  s.rate_jitter_max = p.number("rate_jitter_max");
  s.rate_tolerance = p.number("rate_tolerance");
  s.gap_factor = p.number("gap_factor");
  s.max_sync_skew_ms = p.number("max_sync_skew_ms");
  s.max_clock_offset_ms = p.number("max_clock_offset_ms");
  s.min_frames_for_stats = static_cast<int>(p.integer("min_frames_for_stats"));
  s.lidar_min_point_ratio = p.number("lidar_min_point_ratio");
  s.lidar_rings = static_cast<int>(p.integer("lidar_rings"));
  s.lidar_min_elevation_deg = p.number("lidar_min_elevation_deg");
  s.lidar_max_elevation_deg = p.number("lidar_max_elevation_deg");
  s.ring_presence = p.number("ring_presence");
  s.ring_min_points = static_cast<int>(p.integer("ring_min_points"));
  s.dead_ring_ratio = p.number("dead_ring_ratio");
  s.lidar_max_zero_fraction = p.number("lidar_max_zero_fraction");
  s.lidar_min_max_range_m = p.number("lidar_min_max_range_m");
  s.lidar_max_range_m = p.number("lidar_max_range_m");
  s.image_black_mean = p.number("image_black_mean");
  s.image_saturation_level = static_cast<int>(p.integer("image_saturation_level"));
  s.image_overexposed_fraction = p.number("image_overexposed_fraction");
  s.image_blur_ratio = p.number("image_blur_ratio");
  s.image_frozen_mad = p.number("image_frozen_mad");
  s.max_speed_mps = p.number("max_speed_mps");
  s.max_acceleration_mps2 = p.number("max_acceleration_mps2");
  s.max_yaw_rate_deg_s = p.number("max_yaw_rate_deg_s");
  return s;
}

}  // namespace dc::core::data_qc
