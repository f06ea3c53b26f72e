#include "dc/gpu/voxel_downsample.h"

#include <cmath>
#include <stdexcept>

#include "cuda_entry.h"
#include "dispatch.h"
#include "voxel_downsample_cpu.h"

namespace dc::gpu {

void voxel_downsample(KernelContext& context, std::span<const float> xyzi, const VoxelParams& params,
                      VoxelResult& out) {
  detail::check_points(xyzi, "voxel_downsample");
  if (!(params.leaf_size > 0.0f) || !std::isfinite(params.leaf_size) || !std::isfinite(1.0f / params.leaf_size))
    throw std::invalid_argument("voxel_downsample: leaf size must be positive and finite");
  const std::size_t n = xyzi.size() / 4;
  if (n > 0x7fffffffu) throw std::invalid_argument("voxel_downsample: more than 2^31 - 1 points");
  out.voxel_count = out.nonfinite_count = 0;
  out.centroids.clear(), out.counts.clear();
  if (params.point_voxel)
    out.voxel_of_point.resize(n);
  else
    out.voxel_of_point.clear();

  auto& ctx = context.impl();
  out.backend = detail::dispatch(
      ctx, [&] { detail::voxel_downsample_cuda(ctx, xyzi, params, out); },
      [&] { detail::voxel_downsample_cpu(ctx, xyzi, params, out); });
  // Read the points twice (bounds, keys), sort 12-byte pairs (about 3 passes), gather and write the voxels.
  ctx.stats.min_device_bytes = n * 16 * 3 + n * 12 * 6 + out.voxel_count * 20 + (params.point_voxel ? n * 4 : 0);
}

}  // namespace dc::gpu
