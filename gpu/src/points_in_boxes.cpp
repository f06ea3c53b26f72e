#include "dc/gpu/points_in_boxes.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "cuda_entry.h"
#include "dispatch.h"
#include "points_in_boxes_cpu.h"

namespace dc::gpu {

void points_in_boxes(KernelContext& context, std::span<const float> xyzi, std::span<const Box3f> boxes,
                     const BoxParams& params, BoxResult& out) {
  detail::check_points(xyzi, "points_in_boxes");
  const std::size_t n = xyzi.size() / 4;
  if (n > 0xffffffffu) throw std::invalid_argument("points_in_boxes: more than 2^32 - 1 points");
  for (std::size_t b = 0; b < boxes.size(); ++b) {
    const Box3f& x = boxes[b];
    if (!std::isfinite(x.cx) || !std::isfinite(x.cy) || !std::isfinite(x.cz) || !std::isfinite(x.yaw) || !(x.l >= 0) ||
        !(x.w >= 0) || !(x.h >= 0) || !std::isfinite(x.l) || !std::isfinite(x.w) || !std::isfinite(x.h))
      throw std::invalid_argument("points_in_boxes: box " + std::to_string(b) +
                                  " is not finite or has a negative size");
  }
  out.counts.assign(boxes.size(), 0);
  out.offsets.clear(), out.indices.clear();
  out.nonfinite_count = 0;

  auto& ctx = context.impl();
  out.backend = detail::dispatch(
      ctx, [&] { detail::points_in_boxes_cuda(ctx, xyzi, boxes, params, out); },
      [&] { detail::points_in_boxes_cpu(ctx, xyzi, boxes, params, out); });
  ctx.stats.min_device_bytes = n * 16 + boxes.size() * 32 + out.indices.size() * 4 * (params.indices ? 3 : 0);
}

}  // namespace dc::gpu
