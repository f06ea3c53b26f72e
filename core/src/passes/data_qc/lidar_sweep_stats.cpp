#include "passes/data_qc/lidar_sweep_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace dc::core::data_qc {

RingBinning::RingBinning(int rings, double min_elevation_deg, double max_elevation_deg)
    : min_deg_(min_elevation_deg), step_deg_((max_elevation_deg - min_elevation_deg) / rings) {
  for (int k = 0; k <= rings; ++k)
    tan_edges_.push_back(static_cast<float>(std::tan((min_deg_ + k * step_deg_) * std::numbers::pi / 180.0)));
  // A table over tangent values finer than the narrowest ring replaces a binary search per point.
  constexpr int kCells = 8192;
  cell_scale_ = kCells / (tan_edges_.back() - tan_edges_.front());
  lookup_.resize(kCells + 1);
  int ring = 0;
  for (int c = 0; c <= kCells; ++c) {
    const float start = tan_edges_.front() + static_cast<float>(c) / cell_scale_;
    while (ring + 1 < rings && start >= tan_edges_[static_cast<std::size_t>(ring) + 1]) ++ring;
    lookup_[static_cast<std::size_t>(c)] = ring;
  }
}

int RingBinning::ring_of(float z, float h) const {
  const float t = z / h;
  if (!(t >= tan_edges_.front() && t < tan_edges_.back())) return -1;
  const auto cell = std::min(static_cast<std::size_t>((t - tan_edges_.front()) * cell_scale_), lookup_.size() - 1);
  int ring = lookup_[cell];
  const int last = rings() - 1;
  while (ring > 0 && t < tan_edges_[static_cast<std::size_t>(ring)]) --ring;  // float rounding at a cell start
  while (ring < last && t >= tan_edges_[static_cast<std::size_t>(ring) + 1]) ++ring;
  return ring;
}

double RingBinning::lower_deg(int ring) const {
  return min_deg_ + ring * step_deg_;
}
double RingBinning::upper_deg(int ring) const {
  return min_deg_ + (ring + 1) * step_deg_;
}

LidarSweepStats LidarSweepStats::measure(const PointCloud& cloud, const RingBinning& rings,
                                         double max_plausible_range_m) {
  LidarSweepStats s;
  s.points = cloud.size();
  s.ring_counts.assign(static_cast<std::size_t>(rings.rings()), 0);
  const float far2 = static_cast<float>(max_plausible_range_m * max_plausible_range_m);
  float max_r2 = 0;
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < s.points; ++i) {
    const float* p = cloud.point(i);
    const float x = p[0], y = p[1], z = p[2], in = p[3];
    if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z) || !std::isfinite(in)) {
      ++s.non_finite;
      continue;
    }
    lo = std::min(lo, in);
    hi = std::max(hi, in);
    const float h2 = x * x + y * y;
    const float r2 = h2 + z * z;
    if (r2 == 0.0f) {
      ++s.zero;
      continue;
    }
    max_r2 = std::max(max_r2, r2);
    if (r2 > far2) ++s.too_far;
    if (h2 > 0.0f) {
      const int ring = rings.ring_of(z, std::sqrt(h2));
      if (ring >= 0) ++s.ring_counts[static_cast<std::size_t>(ring)];
    }
  }
  s.max_range_m = std::sqrt(static_cast<double>(max_r2));
  if (lo <= hi) {
    s.min_intensity = lo;
    s.max_intensity = hi;
  }
  return s;
}

}  // namespace dc::core::data_qc
