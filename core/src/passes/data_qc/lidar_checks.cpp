#include "passes/data_qc/lidar_checks.h"

#include "passes/data_qc/frame_runs.h"

#include <cmath>
#include <set>

namespace dc::core::data_qc {

namespace {

// Intensities of a handful of points say nothing about the sensor.
constexpr std::size_t kMinPointsForIntensity = 100;

std::size_t valid_points(const LidarSweepStats& s) {
  return s.points - s.non_finite - s.zero;
}

}  // namespace

void check_lidar(const std::string& sensor, const std::vector<FrameRecord>& records, const QcSettings& settings,
                 FindingWriter& out) {
  std::vector<std::size_t> measured;
  for (std::size_t p = 0; p < records.size(); ++p)
    if (records[p].lidar) measured.push_back(p);
  const bool enough = static_cast<int>(measured.size()) >= settings.min_frames_for_stats;

  // Point count against the drive's median sweep.
  std::vector<double> counts;
  for (auto p : measured) counts.push_back(static_cast<double>(valid_points(*records[p].lidar)));
  const double median_points = median_of(counts);
  std::vector<Flag> drops;
  std::set<std::size_t> dropped;
  for (auto p : measured) {
    const double n = static_cast<double>(valid_points(*records[p].lidar));
    if (n == 0 || (enough && n < settings.lidar_min_point_ratio * median_points)) {
      drops.push_back({p, records[p].frame, n});
      dropped.insert(p);
    }
  }
  for (const auto& run : consecutive_runs(drops)) {
    std::string message = sensor + ": " + out.frames_label(frames_of(run));
    if (run.size() == 1)
      message += " has " + fixed(run[0].value.get<double>(), 0) + " points";
    else
      message += " have few points";
    message += enough ? " (drive median " + fixed(median_points, 0) + ", limit " +
                            fixed(100 * settings.lidar_min_point_ratio, 0) + "%)"
                      : " (empty sweep)";
    out.add_run(
        "lidar-point-drop", Severity::Warning, sensor, frames_of(run), message,
        {{"points", values_of(run)}, {"median_points", median_points}, {"min_ratio", settings.lidar_min_point_ratio}});
  }

  // Dead rings: a ring that has points in (almost) every sweep, but (almost) none in this one. Sweeps that lost
  // most of their points are already reported as a whole.
  const RingBinning bins(settings.lidar_rings, settings.lidar_min_elevation_deg, settings.lidar_max_elevation_deg);
  if (enough) {
    for (int ring = 0; ring < settings.lidar_rings; ++ring) {
      const auto k = static_cast<std::size_t>(ring);
      std::vector<double> ring_counts;
      std::size_t present = 0;
      for (auto p : measured) {
        const int c = records[p].lidar->ring_counts[k];
        ring_counts.push_back(c);
        present += c > 0 ? 1 : 0;
      }
      const double median = median_of(ring_counts);
      if (static_cast<double>(present) < settings.ring_presence * static_cast<double>(measured.size()) ||
          median < settings.ring_min_points)
        continue;
      std::vector<Flag> dead;
      for (auto p : measured) {
        const int c = records[p].lidar->ring_counts[k];
        if (!dropped.count(p) && c <= settings.dead_ring_ratio * median) dead.push_back({p, records[p].frame, c});
      }
      for (const auto& run : consecutive_runs(dead)) {
        const std::string span = fixed(bins.lower_deg(ring), 2) + " to " + fixed(bins.upper_deg(ring), 2) + " deg";
        const std::string message = sensor + ": ring " + std::to_string(ring) + " (elevation " + span +
                                    ") is dead in " + out.frames_label(frames_of(run)) + " (it has a median of " +
                                    fixed(median, 0) + " points per sweep)";
        out.add_run("lidar-dead-ring", Severity::Warning, sensor, frames_of(run), message,
                    {{"ring", ring},
                     {"elevation_deg", {bins.lower_deg(ring), bins.upper_deg(ring)}},
                     {"points", values_of(run)},
                     {"median_points", median}});
      }
    }
  }

  // Invalid points, range and intensity: limits that hold for any single sweep.
  std::vector<Flag> non_finite, zeros, short_range, too_far, flat_intensity;
  for (auto p : measured) {
    const LidarSweepStats& s = *records[p].lidar;
    const Frame* f = records[p].frame;
    if (s.non_finite > 0) non_finite.push_back({p, f, s.non_finite});
    if (s.points > 0 && static_cast<double>(s.zero) > settings.lidar_max_zero_fraction * static_cast<double>(s.points))
      zeros.push_back({p, f, s.zero});
    if (valid_points(s) > 0 && s.max_range_m < settings.lidar_min_max_range_m)
      short_range.push_back({p, f, s.max_range_m});
    if (s.too_far > 0) too_far.push_back({p, f, s.too_far});
    if (s.points - s.non_finite >= kMinPointsForIntensity && s.min_intensity == s.max_intensity)
      flat_intensity.push_back({p, f, s.min_intensity});
  }
  for (const auto& run : consecutive_runs(non_finite)) {
    const auto frames = frames_of(run);
    out.add_run("lidar-invalid-points", Severity::Error, sensor, frames,
                sensor + ": " + out.frames_label(frames) + (run.size() == 1 ? " has " : " have ") +
                    (run.size() == 1 ? run[0].value.dump() + " points" : "points") + " with NaN or infinite values",
                {{"kind", "non-finite"}, {"counts", values_of(run)}});
  }
  for (const auto& run : consecutive_runs(zeros)) {
    const auto frames = frames_of(run);
    out.add_run("lidar-invalid-points", Severity::Warning, sensor, frames,
                sensor + ": " + out.frames_label(frames) + (run.size() == 1 ? " has " : " have ") + "more than " +
                    fixed(100 * settings.lidar_max_zero_fraction, 1) + "% points at exactly (0,0,0)",
                {{"kind", "zero"}, {"counts", values_of(run)}, {"max_fraction", settings.lidar_max_zero_fraction}});
  }
  for (const auto& run : consecutive_runs(short_range)) {
    const auto frames = frames_of(run);
    std::string message = sensor + ": " + out.frames_label(frames) + " sees nothing beyond ";
    message +=
        run.size() == 1 ? fixed(run[0].value.get<double>(), 1) + " m" : fixed(settings.lidar_min_max_range_m, 1) + " m";
    message += " (a working lidar sees at least " + fixed(settings.lidar_min_max_range_m, 1) + " m)";
    out.add_run(
        "lidar-range-anomaly", Severity::Warning, sensor, frames, message,
        {{"kind", "short"}, {"max_range_m", values_of(run)}, {"min_max_range_m", settings.lidar_min_max_range_m}});
  }
  for (const auto& run : consecutive_runs(too_far)) {
    const auto frames = frames_of(run);
    out.add_run("lidar-range-anomaly", Severity::Warning, sensor, frames,
                sensor + ": " + out.frames_label(frames) + (run.size() == 1 ? " has " : " have ") + "points beyond " +
                    fixed(settings.lidar_max_range_m, 0) + " m",
                {{"kind", "far"}, {"counts", values_of(run)}, {"max_range_m", settings.lidar_max_range_m}});
  }
  for (const auto& run : consecutive_runs(flat_intensity)) {
    const auto frames = frames_of(run);
    out.add_run("lidar-intensity-anomaly", Severity::Warning, sensor, frames,
                sensor + ": every point of " + out.frames_label(frames) + " has intensity " +
                    fixed(run[0].value.get<double>(), 2) + " (no reflectance measured)",
                {{"intensity", values_of(run)}});
  }
}

}  // namespace dc::core::data_qc
