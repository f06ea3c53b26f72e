#include "passes/autolabel/regional_ground.h"

#include "dc/gpu/ground_segmentation.h"

#include <algorithm>
#include <cmath>

namespace dc::core::autolabel {

namespace {

constexpr int kMinCellCandidates = 40;
constexpr double kCandidateBand_m = 1.0;  // cell candidates lie within this height of the overall plane
constexpr double kMaxCellOffset_m = 0.8;  // a cell plane this far from the overall one at its center is wrong

bool finite(const float* p) { return std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]); }

}  // namespace

RegionalGround::RegionalGround(const PointCloud& cloud, const Options& options, dc::gpu::KernelContext& kernels)
    : options_(options) {
  // Overall plane from the points within range and below the sensor's roof line.
  std::vector<float> near;
  near.reserve(cloud.xyzi.size());
  const double r2 = options.range_m * options.range_m;
  for (std::size_t i = 0; i < cloud.size(); ++i) {
    const float* p = cloud.point(i);
    if (!finite(p) || p[0] * p[0] + p[1] * p[1] > r2 || p[2] > 0.5f) continue;
    near.insert(near.end(), p, p + 4);
  }
  dc::gpu::GroundParams params;
  params.distance_threshold = static_cast<float>(options.threshold_m);
  params.max_tilt_deg = static_cast<float>(options.max_tilt_deg);
  params.max_iterations = 200;
  dc::gpu::GroundResult ground;
  if (near.size() >= 12) dc::gpu::segment_ground(kernels, near, params, ground);
  found_ = ground.found;
  if (found_) {
    overall_.normal = {ground.normal[0], ground.normal[1], ground.normal[2]};
    overall_.d = ground.d;
  } else {
    // No plane: the ground is the 5th percentile of the heights, level.
    std::vector<float> z;
    for (std::size_t i = 0; i < near.size(); i += 4) z.push_back(near[i + 2]);
    double z0 = -1.73;  // a roof-mounted lidar's height when there is nothing to go by
    if (!z.empty()) {
      const auto k = z.size() / 20;
      std::nth_element(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(k), z.end());
      z0 = z[k];
    }
    overall_.normal = {0, 0, 1};
    overall_.d = -z0;
  }

  // One plane per cell, from the points near the overall ground in it.
  cells_ = std::max(1, static_cast<int>(std::ceil(2 * options.range_m / options.cell_m)));
  const std::size_t n_cells = static_cast<std::size_t>(cells_) * static_cast<std::size_t>(cells_);
  planes_.assign(n_cells, overall_);
  has_plane_.assign(n_cells, 0);
  std::vector<std::vector<float>> candidates(n_cells);
  for (std::size_t i = 0; i < near.size(); i += 4) {
    const float* p = &near[i];
    if (std::abs(p[2] - overall_.z_at(p[0], p[1])) > kCandidateBand_m) continue;
    const int ci = static_cast<int>(std::floor((p[0] + options.range_m) / options.cell_m));
    const int cj = static_cast<int>(std::floor((p[1] + options.range_m) / options.cell_m));
    if (ci < 0 || cj < 0 || ci >= cells_ || cj >= cells_) continue;
    auto& cell = candidates[static_cast<std::size_t>(ci * cells_ + cj)];
    cell.insert(cell.end(), p, p + 4);
  }
  params.max_iterations = 100;
  for (int ci = 0; ci < cells_; ++ci)
    for (int cj = 0; cj < cells_; ++cj) {
      const auto k = static_cast<std::size_t>(ci * cells_ + cj);
      if (candidates[k].size() / 4 < kMinCellCandidates) continue;
      dc::gpu::GroundResult local;
      params.seed = k + 1;
      dc::gpu::segment_ground(kernels, candidates[k], params, local);
      if (!local.found || local.inlier_count * 3 < candidates[k].size() / 4) continue;
      Plane plane;
      plane.normal = {local.normal[0], local.normal[1], local.normal[2]};
      plane.d = local.d;
      const double x = -options.range_m + (ci + 0.5) * options.cell_m;
      const double y = -options.range_m + (cj + 0.5) * options.cell_m;
      if (std::abs(plane.z_at(x, y) - overall_.z_at(x, y)) > kMaxCellOffset_m) continue;
      planes_[k] = plane;
      has_plane_[k] = 1;
      ++local_planes_;
    }
}

double RegionalGround::cell_z(int i, int j, double x, double y) const {
  i = std::clamp(i, 0, cells_ - 1);
  j = std::clamp(j, 0, cells_ - 1);
  return planes_[static_cast<std::size_t>(i * cells_ + j)].z_at(x, y);
}

double RegionalGround::ground_z(double x, double y) const {
  // Bilinear blend between the planes of the four cells whose centers surround (x, y).
  const double u = (x + options_.range_m) / options_.cell_m - 0.5;
  const double v = (y + options_.range_m) / options_.cell_m - 0.5;
  const int i = static_cast<int>(std::floor(u));
  const int j = static_cast<int>(std::floor(v));
  const double fu = u - i, fv = v - j;
  return (1 - fu) * ((1 - fv) * cell_z(i, j, x, y) + fv * cell_z(i, j + 1, x, y)) +
         fu * ((1 - fv) * cell_z(i + 1, j, x, y) + fv * cell_z(i + 1, j + 1, x, y));
}

}  // namespace dc::core::autolabel
