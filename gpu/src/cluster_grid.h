#pragma once
#include <cstdint>

namespace dc::gpu::detail {

// Cell layout of the clustering grid, shared by the CPU and CUDA paths.
//
// Cells have an edge slightly below tolerance / sqrt(3), so any two points of one cell are neighbors under the
// float test (the slack covers the rounding of the cell assignment and of the distance): a cell is one node of the
// union-find, and only pairs of different cells within `reach` cells need checking. When the slack would eat the
// cell (tolerance near float resolution of the coordinates), the grid falls back to cells of one tolerance and
// checks every pair, intra-cell ones included (`guaranteed` is false).
struct ClusterGrid {
  float r2 = 0;           // squared tolerance exactly as PCL computes it: float(double(tol) * double(tol))
  float inv_cell = 1;     // cell coordinate = floor(x * inv_cell), in float
  double cell = 1;        // 1 / inv_cell
  double reach_dist = 0;  // tolerance + slack: farther than this is never a neighbor
  bool guaranteed = true;
  int reach = 2;
  std::int64_t min_cell[3] = {0, 0, 0};  // padded by reach, so neighbor keys never leave the grid
  std::uint64_t dims[3] = {1, 1, 1};
  std::uint64_t cells = 1;
  int bits = 0;  // key bits including one sentinel key (== cells) for ignored points
  // Half neighborhood: (dx, dy, dz) with (dz, dy, dx) lexicographically > 0 whose cells can hold neighbors.
  static constexpr int kMaxReach = 3;
  static constexpr int kMaxOffsets = ((2 * kMaxReach + 1) * (2 * kMaxReach + 1) * (2 * kMaxReach + 1) - 1) / 2;
  int offset_count = 0;
  int offsets[3 * kMaxOffsets] = {};          // dx dy dz triples
  std::int64_t key_deltas[kMaxOffsets] = {};  // key(b) - key(a) per offset
};

// lo / hi: bounds of the valid points. Throws std::invalid_argument when the grid would not fit 62-bit keys.
ClusterGrid make_cluster_grid(float tolerance, const float lo[3], const float hi[3]);

}  // namespace dc::gpu::detail
