#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dc/gpu/compute_device.h"
#include "dc/gpu/export.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/types.h"

namespace dc::gpu {

struct BoxParams {
  bool indices = false;  // also fill offsets / indices
};

struct BoxResult {
  std::vector<std::uint32_t> counts;  // points per box
  // With indices: the points of box b are indices[offsets[b] .. offsets[b + 1]), ascending. A point inside
  // several boxes is listed in each.
  std::vector<std::uint32_t> offsets;
  std::vector<std::uint32_t> indices;
  std::size_t nonfinite_count = 0;  // points with a NaN or infinite coordinate (ignored)
  Backend backend = Backend::Cpu;
};

// Points inside oriented boxes, boundaries inclusive: |local x| <= l/2, |local y| <= w/2, |dz| <= h/2.
DC_GPU_API void points_in_boxes(KernelContext& ctx, std::span<const float> xyzi, std::span<const Box3f> boxes,
                                const BoxParams& params, BoxResult& out);

}  // namespace dc::gpu
