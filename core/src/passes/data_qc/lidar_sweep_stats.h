#pragma once
#include "dc/core/model/point_cloud.h"

#include <cstddef>
#include <vector>

namespace dc::core::data_qc {

// Elevation bins of the lasers: uniform in angle between the lowest and highest laser, compared by tangent so a
// point needs no atan2 (the per-point work must stay small next to reading the file).
class RingBinning {
 public:
  RingBinning(int rings, double min_elevation_deg, double max_elevation_deg);
  int rings() const { return static_cast<int>(tan_edges_.size()) - 1; }
  // Ring of a point with horizontal distance h > 0 and height z; -1 when outside the lasers' span.
  int ring_of(float z, float h) const;
  double lower_deg(int ring) const;  // elevation span of a ring
  double upper_deg(int ring) const;

 private:
  std::vector<float> tan_edges_;  // rings + 1 increasing edges
  std::vector<int> lookup_;       // ring at the start of each fine cell of tangent values: one step to correct
  float cell_scale_ = 0;
  double min_deg_, step_deg_;
};

// What data-qc needs from one sweep, measured in one pass over its points.
struct LidarSweepStats {
  std::size_t points = 0;      // all points in the file
  std::size_t non_finite = 0;  // any coordinate or intensity NaN/inf
  std::size_t zero = 0;        // exactly (0,0,0)
  std::size_t too_far = 0;     // beyond the plausible range
  double max_range_m = 0;
  float min_intensity = 0, max_intensity = 0;
  std::vector<int> ring_counts;  // points per ring

  static LidarSweepStats measure(const PointCloud& cloud, const RingBinning& rings, double max_plausible_range_m);
};

}  // namespace dc::core::data_qc
