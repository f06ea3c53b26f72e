#include "cluster_grid.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>

#include "radix_sort.h"

namespace dc::gpu::detail {

ClusterGrid make_cluster_grid(float tolerance, const float lo[3], const float hi[3]) {
  ClusterGrid g;
  const double tol = tolerance;
  g.r2 = static_cast<float>(tol * tol);
  double max_abs = 0;
  for (int a = 0; a < 3; ++a) max_abs = std::max({max_abs, std::abs(double(lo[a])), std::abs(double(hi[a]))});
  // Cell assignment is off by up to ~2^-23 |x| per axis and the float distance by a few ulps; this slack covers
  // both with a wide margin.
  const double slack = 1e-4 * tol + 16.0 * FLT_EPSILON * max_abs;
  g.guaranteed = slack < 0.1 * tol;  // keeps reach <= kMaxReach
  const double cell = g.guaranteed ? (tol - slack) / std::sqrt(3.0) : tol + slack;
  g.inv_cell = static_cast<float>(1.0 / cell);
  g.cell = 1.0 / static_cast<double>(g.inv_cell);
  g.reach_dist = tol + slack;
  g.reach = static_cast<int>(std::ceil(g.reach_dist / g.cell - 1e-12));
  if (g.reach < 1) g.reach = 1;
  if (g.reach > ClusterGrid::kMaxReach) throw std::logic_error("euclidean_clusters: grid reach out of range");

  constexpr double kLimit = 1099511627776.0;  // 2^40 cells per axis at most
  constexpr std::uint64_t kMaxCells = std::uint64_t{1} << 62;
  std::uint64_t cells = 1;
  for (int a = 0; a < 3; ++a) {
    const double c0 = std::floor(static_cast<double>(std::floor(lo[a] * g.inv_cell)));
    const double c1 = std::floor(static_cast<double>(std::floor(hi[a] * g.inv_cell)));
    if (!(c0 > -kLimit && c1 < kLimit))
      throw std::invalid_argument("euclidean_clusters: the cloud's extent is too large for the tolerance");
    g.min_cell[a] = static_cast<std::int64_t>(c0) - g.reach;
    g.dims[a] = static_cast<std::uint64_t>(static_cast<std::int64_t>(c1) + g.reach - g.min_cell[a] + 1);
    if (g.dims[a] > kMaxCells / cells)
      throw std::invalid_argument("euclidean_clusters: the cloud's extent is too large for the tolerance");
    cells *= g.dims[a];
  }
  g.cells = cells;
  g.bits = key_bits(cells + 1);

  const int r = g.reach;
  for (int dz = 0; dz <= r; ++dz) {
    for (int dy = -r; dy <= r; ++dy) {
      for (int dx = -r; dx <= r; ++dx) {
        if (dz == 0 && (dy < 0 || (dy == 0 && dx <= 0))) continue;
        // Closest approach of two cells at this offset.
        const double gx = std::max(std::abs(dx) - 1, 0), gy = std::max(std::abs(dy) - 1, 0),
                     gz = std::max(std::abs(dz) - 1, 0);
        if (g.cell * std::sqrt(gx * gx + gy * gy + gz * gz) >= g.reach_dist) continue;
        const int k = g.offset_count++;
        g.offsets[3 * k] = dx, g.offsets[3 * k + 1] = dy, g.offsets[3 * k + 2] = dz;
        g.key_deltas[k] = dx + static_cast<std::int64_t>(g.dims[0]) * (dy + static_cast<std::int64_t>(g.dims[1]) * dz);
      }
    }
  }
  return g;
}

}  // namespace dc::gpu::detail
