#pragma once
#include <cstdint>
#include <span>

#include "context_impl.h"
#include "dc/gpu/voxel_downsample.h"

namespace dc::gpu::detail {

// Cell bounds and key layout shared by the CPU and CUDA paths: key = x + dx * (y + dy * z) relative to the minimum
// cell, so ascending keys are PCL's (z, y, x) voxel order.
struct VoxelGrid {
  std::int64_t min_cell[3] = {0, 0, 0};
  std::uint64_t dims[3] = {1, 1, 1};
  std::uint64_t cells = 1;  // dims product
  int bits = 0;             // key bits, sentinel included when requested
};

// Cell index of one coordinate; false when it does not fit the +-2^40 range the keys support.
bool voxel_cell_range_ok(float lo_cell, float hi_cell);
// Builds the key layout from the float cell bounds (floor(lo * inv), floor(hi * inv)); throws when it cannot.
VoxelGrid make_voxel_grid(const float lo_cell[3], const float hi_cell[3], bool sentinel);

void voxel_downsample_cpu(KernelContext::Impl& ctx, std::span<const float> xyzi, const VoxelParams& params,
                          VoxelResult& out);

}  // namespace dc::gpu::detail
