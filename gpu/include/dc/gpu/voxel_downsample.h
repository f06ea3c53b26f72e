#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dc/gpu/compute_device.h"
#include "dc/gpu/export.h"
#include "dc/gpu/kernel_context.h"

namespace dc::gpu {

struct VoxelParams {
  float leaf_size = 0.2f;
  bool point_voxel = false;  // also fill VoxelResult::voxel_of_point
};

struct VoxelResult {
  // One entry per occupied voxel, 4 floats: centroid x y z and mean intensity. Voxels are ordered by cell
  // (z, then y, then x), the order PCL's VoxelGrid gives.
  std::vector<float> centroids;
  std::vector<std::uint32_t> counts;         // points per voxel
  std::vector<std::int32_t> voxel_of_point;  // voxel index per input point, -1 for ignored points
  std::size_t voxel_count = 0;
  std::size_t nonfinite_count = 0;  // points with a NaN or infinite coordinate (ignored)
  Backend backend = Backend::Cpu;
};

// Centroid per occupied voxel of size leaf_size. A point falls in cell floor(p * (1 / leaf_size)) computed in
// float, exactly as PCL's VoxelGrid does, so the voxel set is PCL's. Throws std::invalid_argument on a bad
// leaf size, or when the cloud's extent in cells does not fit 64-bit cell keys.
DC_GPU_API void voxel_downsample(KernelContext& ctx, std::span<const float> xyzi, const VoxelParams& params,
                                 VoxelResult& out);

}  // namespace dc::gpu
